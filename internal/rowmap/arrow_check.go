package rowmap

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// checkArray reports whether the buffers of col agree with its length, so
// that decoding it cannot read out of bounds: the validity bitmap and the
// value buffer cover offset+length values, string offsets are in the data
// buffer and never decrease, string views point into their buffers, and
// dictionary indices are below the dictionary's length. Arrays built by
// arrow-go from valid data always pass; arrays read from damaged bytes (an
// IPC file whose offsets were changed) may not, and arrow-go does not check
// all of this when it reads them. The cost is one pass over the offsets or
// indices of variable-width and dictionary columns, nothing per value
// otherwise.
func checkArray(col arrow.Array) error {
	d := col.Data()
	n, off := d.Len(), d.Offset()
	if n < 0 || off < 0 {
		return fmt.Errorf("length %d at offset %d", n, off)
	}
	if n == 0 {
		return nil
	}
	bufs := d.Buffers()
	if bm := col.NullBitmapBytes(); len(bm) > 0 && len(bm)*8 < off+n {
		return fmt.Errorf("validity bitmap of %d bytes for %d values", len(bm), off+n)
	}
	// A null count below zero means "count the bitmap", which needs one.
	if nulls := d.NullN(); nulls > n || (nulls != 0 && len(col.NullBitmapBytes()) == 0) {
		return fmt.Errorf("%d nulls in %d values with a validity bitmap of %d bytes", nulls, n, len(col.NullBitmapBytes()))
	}
	switch c := col.(type) {
	case *array.String:
		return checkOffsets(arrow.Int32Traits.CastFromBytes(bufBytes(bufs, 1)), off, n, len(bufBytes(bufs, 2)))
	case *array.LargeString:
		return checkOffsets(arrow.Int64Traits.CastFromBytes(bufBytes(bufs, 1)), off, n, len(bufBytes(bufs, 2)))
	case *array.StringView:
		return c.ValidateFull()
	case *array.Dictionary:
		if err := checkFixed(c.Indices().DataType(), bufs, off, n); err != nil {
			return fmt.Errorf("dictionary indices: %w", err)
		}
		dict := c.Dictionary()
		if err := checkArray(dict); err != nil {
			return fmt.Errorf("dictionary: %w", err)
		}
		for r := range n {
			if c.IsValid(r) {
				if k := c.GetValueIndex(r); k < 0 || k >= dict.Len() {
					return fmt.Errorf("value %d: dictionary index %d of a dictionary of %d", r, k, dict.Len())
				}
			}
		}
		return nil
	}
	return checkFixed(col.DataType(), bufs, off, n)
}

// checkFixed checks that the value buffer (buffer 1) of a fixed-width
// column of type dt holds off+n values.
func checkFixed(dt arrow.DataType, bufs []*memory.Buffer, off, n int) error {
	fw, ok := dt.(arrow.FixedWidthDataType)
	if !ok {
		return nil
	}
	need := (int64(off+n)*int64(fw.BitWidth()) + 7) / 8
	if have := int64(len(bufBytes(bufs, 1))); have < need {
		return fmt.Errorf("value buffer of %d bytes for %d values of %s", have, off+n, dt)
	}
	return nil
}

// checkOffsets checks the offsets of values [off, off+n) of a string column
// whose data buffer has size bytes: every offset in [0, size], none smaller
// than the one before.
func checkOffsets[O int32 | int64](offs []O, off, n, size int) error {
	if len(offs) < off+n+1 {
		return fmt.Errorf("%d offsets for %d values", len(offs), off+n)
	}
	prev := offs[off]
	if prev < 0 || int64(prev) > int64(size) {
		return fmt.Errorf("value 0 starts at %d, outside the %d bytes of data", prev, size)
	}
	for i, o := range offs[off+1 : off+n+1] {
		if o < prev || int64(o) > int64(size) {
			return fmt.Errorf("value %d spans bytes %d to %d of %d bytes of data", i, prev, o, size)
		}
		prev = o
	}
	return nil
}

// bufBytes returns the bytes of buffer i, nil when it is absent.
func bufBytes(bufs []*memory.Buffer, i int) []byte {
	if i >= len(bufs) || bufs[i] == nil {
		return nil
	}
	return bufs[i].Bytes()
}
