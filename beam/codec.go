package beam

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sync"
	"time"

	"github.com/loomml/loom/internal/rowmap"
)

// Blocks travel between Beam stages in a compact columnar encoding of
// T's loom-tagged fields (internal/rowmap), field after field: a null
// bitmap for a nullable field, then the present values (float64 as 8
// bytes, integers as zig-zag varints, strings and times length-prefixed,
// booleans as one byte each). A row type with exported fields that carry
// no loom tag, which that encoding would drop, travels with encoding/gob.
//
// The version byte leads, so that a worker of another build refuses a
// block it cannot read rather than misreading it.
const (
	codecColumnar = 1
	codecGob      = 2
)

// rowCodec encodes and decodes blocks of T.
type rowCodec[T any] struct {
	m *rowmap.Map[T] // nil: gob
}

// codecs caches each row type's codec.
var codecs sync.Map // reflect.Type -> any (rowCodec[T])

// codecOf returns T's codec: columnar when rowmap maps every exported
// field of T, gob otherwise.
func codecOf[T any]() rowCodec[T] {
	t := reflect.TypeFor[T]()
	if c, ok := codecs.Load(t); ok {
		return c.(rowCodec[T])
	}
	var c rowCodec[T]
	if m, err := rowmap.Of[T](); err == nil && allTagged(t) {
		c.m = m
	}
	codecs.Store(t, c)
	return c
}

// allTagged reports whether every exported field of the struct type t is
// loom-tagged (not "-"), or an untagged embedded struct whose fields all
// are: whether rowmap's mapping keeps everything gob would.
func allTagged(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("loom")
		switch {
		case ok && tag != "-":
		case !ok && f.Anonymous && f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Time]():
			if !allTagged(f.Type) {
				return false
			}
		case f.IsExported():
			return false
		}
	}
	return true
}

// encode appends the encoding of rows to dst.
func (c rowCodec[T]) encode(dst []byte, rows []T) ([]byte, error) {
	if c.m == nil {
		var buf bytes.Buffer
		buf.WriteByte(codecGob)
		if err := gob.NewEncoder(&buf).Encode(rows); err != nil {
			return nil, fmt.Errorf("beam: encoding a block of %v: %w", reflect.TypeFor[T](), err)
		}
		return append(dst, buf.Bytes()...), nil
	}
	m := c.m
	dst = append(dst, codecColumnar)
	dst = binary.AppendUvarint(dst, uint64(len(rows)))
	dst = binary.AppendUvarint(dst, uint64(m.Len()))
	var bits []byte
	for i, f := range m.Fields() {
		if f.Nullable {
			bits = append(bits[:0], make([]byte, (len(rows)+7)/8)...)
			for r := range rows {
				if !m.IsNull(&rows[r], i) {
					bits[r/8] |= 1 << (r % 8)
				}
			}
			dst = append(dst, bits...)
		}
		for r := range rows {
			p := &rows[r]
			if f.Nullable && m.IsNull(p, i) {
				continue
			}
			switch f.Kind {
			case rowmap.KindFloat:
				v, _ := m.Float(p, i)
				dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
			case rowmap.KindInt:
				v, _ := m.Int(p, i)
				dst = binary.AppendVarint(dst, v)
			case rowmap.KindString:
				v, _ := m.Str(p, i)
				dst = binary.AppendUvarint(dst, uint64(len(v)))
				dst = append(dst, v...)
			case rowmap.KindBool:
				v, _ := m.Bool(p, i)
				b := byte(0)
				if v {
					b = 1
				}
				dst = append(dst, b)
			case rowmap.KindTime:
				v, _ := m.Time(p, i)
				t, err := v.MarshalBinary()
				if err != nil {
					return nil, fmt.Errorf("beam: encoding field %s of row %d: %w", f.Name, r, err)
				}
				dst = binary.AppendUvarint(dst, uint64(len(t)))
				dst = append(dst, t...)
			}
		}
	}
	return dst, nil
}

// errShort is a block that ends too soon.
var errShort = errors.New("truncated")

// reader reads the parts of an encoded block.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n uint64) []byte {
	if uint64(len(r.b)) < n {
		r.fail(errShort)
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) float() float64 {
	b := r.bytes(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

// minRowBits returns the fewest bits a row takes in a block: one bit of
// the null bitmap for a nullable field (null takes nothing more), else
// the smallest encoding of a value of the field's kind (8 bytes for a
// float, a length or varint byte for the others).
func minRowBits[T any](m *rowmap.Map[T]) uint64 {
	bits := uint64(0)
	for _, f := range m.Fields() {
		switch {
		case f.Nullable:
			bits++
		case f.Kind == rowmap.KindFloat:
			bits += 64
		default:
			bits += 8
		}
	}
	return max(bits, 1)
}

// decode decodes a block encoded by encode, returning the bytes after it.
// Strings share one allocation per field.
func (c rowCodec[T]) decode(data []byte) ([]T, []byte, error) {
	what := fmt.Sprintf("beam: decoding a block of %v", reflect.TypeFor[T]())
	if len(data) == 0 {
		return nil, nil, fmt.Errorf("%s: empty", what)
	}
	switch data[0] {
	case codecGob:
		if c.m != nil {
			return nil, nil, fmt.Errorf("%s: gob-encoded, but this binary encodes it by its loom tags (another build?)", what)
		}
		var rows []T
		buf := bytes.NewReader(data[1:])
		if err := gob.NewDecoder(buf).Decode(&rows); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", what, err)
		}
		return rows, data[len(data)-buf.Len():], nil
	case codecColumnar:
		if c.m == nil {
			return nil, nil, fmt.Errorf("%s: encoded by loom tags, but this binary uses gob for it (another build?)", what)
		}
	default:
		return nil, nil, fmt.Errorf("%s: unknown encoding %d", what, data[0])
	}
	m := c.m
	r := &reader{b: data[1:]}
	n, nf := r.uvarint(), r.uvarint()
	if r.err != nil {
		return nil, nil, fmt.Errorf("%s: header: %w", what, r.err)
	}
	if nf != uint64(m.Len()) {
		return nil, nil, fmt.Errorf("%s: %d fields, want %d (another build?)", what, nf, m.Len())
	}
	// Every row takes at least rowBits bits, so a short block cannot
	// claim many rows and make the decoder allocate them.
	if n > uint64(len(r.b))*8/minRowBits(m)+8 {
		return nil, nil, fmt.Errorf("%s: %d rows in %d bytes: %w", what, n, len(data), errShort)
	}
	rows := make([]T, n)
	for i, f := range m.Fields() {
		var bits []byte
		if f.Nullable {
			bits = r.bytes((n + 7) / 8)
		}
		var strs []byte // the bytes of the field's strings, copied once
		var offs []int
		for row := range rows {
			if f.Nullable && (bits == nil || bits[row/8]&(1<<(row%8)) == 0) {
				continue
			}
			p := &rows[row]
			var err error
			switch f.Kind {
			case rowmap.KindFloat:
				err = m.SetFloat(p, i, r.float())
			case rowmap.KindInt:
				err = m.SetInt(p, i, r.varint())
			case rowmap.KindString:
				s := r.bytes(r.uvarint())
				strs = append(strs, s...)
				offs = append(offs, row, len(strs))
			case rowmap.KindBool:
				b := r.bytes(1)
				if b != nil {
					m.SetBool(p, i, b[0] == 1)
				}
			case rowmap.KindTime:
				var t time.Time
				if b := r.bytes(r.uvarint()); b != nil {
					err = t.UnmarshalBinary(b)
				}
				m.SetTime(p, i, t)
			}
			if r.err != nil {
				return nil, nil, fmt.Errorf("%s: field %s, row %d: %w", what, f.Name, row, r.err)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("%s: field %s, row %d: %w", what, f.Name, row, err)
			}
		}
		if f.Kind == rowmap.KindString {
			all, start := string(strs), 0
			for k := 0; k < len(offs); k += 2 {
				m.SetStr(&rows[offs[k]], i, all[start:offs[k+1]])
				start = offs[k+1]
			}
		}
		if r.err != nil {
			return nil, nil, fmt.Errorf("%s: field %s: %w", what, f.Name, r.err)
		}
	}
	return rows, r.b, nil
}

// encodeBlock is the Beam coder of Block[T].
func encodeBlock[T any](b Block[T]) ([]byte, error) {
	return codecOf[T]().encode(nil, b.Rows)
}

// decodeBlock is the Beam coder of Block[T].
func decodeBlock[T any](data []byte) (Block[T], error) {
	rows, rest, err := codecOf[T]().decode(data)
	if err == nil && len(rest) > 0 {
		err = fmt.Errorf("beam: decoding a block of %v: %d bytes after its end", reflect.TypeFor[T](), len(rest))
	}
	return Block[T]{Rows: rows}, err
}

// encodeScored is the Beam coder of Block[Scored[T]]: the rows as a
// Block[T], then the predictions, the number of class probabilities per
// row and the probabilities, as float64s.
func encodeScored[T any](blk Block[Scored[T]]) ([]byte, error) {
	b := blk.Rows
	rows := make([]T, len(b))
	for i := range b {
		rows[i] = b[i].Row
	}
	k := 0
	if len(b) > 0 {
		k = len(b[0].Probabilities)
	}
	dst, err := codecOf[T]().encode(make([]byte, 0, len(b)*8*(1+k)+64), rows)
	if err != nil {
		return nil, err
	}
	for i := range b {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(b[i].Prediction))
	}
	dst = binary.AppendUvarint(dst, uint64(k))
	for i := range b {
		if len(b[i].Probabilities) != k {
			return nil, fmt.Errorf("beam: encoding scored rows: row %d has %d class probabilities, row 0 has %d", i, len(b[i].Probabilities), k)
		}
		for _, p := range b[i].Probabilities {
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(p))
		}
	}
	return dst, nil
}

// decodeScored is the Beam coder of Block[Scored[T]].
func decodeScored[T any](data []byte) (Block[Scored[T]], error) {
	rows, rest, err := codecOf[T]().decode(data)
	if err != nil {
		return Block[Scored[T]]{}, err
	}
	what := fmt.Sprintf("beam: decoding a block of scored %v", reflect.TypeFor[T]())
	r := &reader{b: rest}
	out := make([]Scored[T], len(rows))
	for i := range out {
		out[i] = Scored[T]{Row: rows[i], Prediction: r.float()}
	}
	k := r.uvarint()
	// k is checked against the bytes left before it is multiplied, so a
	// hostile k cannot overflow the product and pass.
	n := uint64(len(rows))
	if r.err == nil && k > 0 && (n == 0 || k > uint64(len(r.b))/8/n || uint64(len(r.b)) != k*n*8) {
		return Block[Scored[T]]{}, fmt.Errorf("%s: %d bytes of probabilities, want %d rows of %d", what, len(r.b), len(rows), k)
	}
	if k > 0 {
		proba := make([]float64, k*uint64(len(rows)))
		for j := range proba {
			proba[j] = r.float()
		}
		for i := range out {
			out[i].Probabilities = proba[uint64(i)*k : uint64(i+1)*k : uint64(i+1)*k]
		}
	}
	if r.err != nil {
		return Block[Scored[T]]{}, fmt.Errorf("%s: %w", what, r.err)
	}
	if len(r.b) > 0 {
		return Block[Scored[T]]{}, fmt.Errorf("%s: %d bytes after its end", what, len(r.b))
	}
	return Block[Scored[T]]{Rows: out}, nil
}
