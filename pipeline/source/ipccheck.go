package source

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// The schema of an Arrow IPC file or stream is checked here before arrow-go
// reads it: arrow-go (v18.8.0) allocates a slice of the length a field's
// children vector states and recurses into children without a bound, so one
// changed byte can ask for hundreds of gigabytes or recurse along a cycle,
// and neither can be recovered. The check follows the schema's offsets
// with bounds checks and refuses a vector longer than the bytes that would
// hold it, fields nested deeper than maxSchemaDepth, or more fields than
// the schema's bytes can describe.

// maxSchemaDepth bounds the nesting of fields in a schema read from outside
// bytes.
const maxSchemaDepth = 64

// maxSchemaBytes bounds the metadata of the first message of a stream (the
// schema), as arrow-go's default limit for a message does.
const maxSchemaBytes = 64 << 20

var errFlatbuf = errors.New("offset outside the buffer")

// flatbuf reads a flatbuffer with every position checked. Positions are
// uint32 and wrap around as in the flatbuffers library arrow-go uses, so
// that the check sees the fields arrow-go will read.
type flatbuf []byte

func (b flatbuf) u32(p uint32) (uint32, error) {
	if uint64(p)+4 > uint64(len(b)) {
		return 0, errFlatbuf
	}
	return binary.LittleEndian.Uint32(b[p:]), nil
}

func (b flatbuf) u16(p uint32) (uint32, error) {
	if uint64(p)+2 > uint64(len(b)) {
		return 0, errFlatbuf
	}
	return uint32(binary.LittleEndian.Uint16(b[p:])), nil
}

// field returns the position of the value of slot in the table at t, and
// false when the table does not have it.
func (b flatbuf) field(t uint32, slot int) (uint32, bool, error) {
	so, err := b.u32(t)
	if err != nil {
		return 0, false, err
	}
	vt := uint32(int32(t) - int32(so))
	size, err := b.u16(vt)
	if err != nil {
		return 0, false, err
	}
	vo := uint32(4 + 2*slot)
	if vo >= size {
		return 0, false, nil
	}
	o, err := b.u16(vt + vo)
	if err != nil || o == 0 {
		return 0, false, err
	}
	return t + o, true, nil
}

// ref follows the offset held in slot of the table at t (to a table, a
// vector or a string), and reports false when the slot is absent.
func (b flatbuf) ref(t uint32, slot int) (uint32, bool, error) {
	p, ok, err := b.field(t, slot)
	if err != nil || !ok {
		return 0, false, err
	}
	o, err := b.u32(p)
	return p + o, err == nil, err
}

// vector returns the position of the first element and the length of the
// vector in slot of the table at t, whose elements take elem bytes; a
// length the buffer cannot hold is an error.
func (b flatbuf) vector(t uint32, slot int, elem uint32) (uint32, uint32, error) {
	p, ok, err := b.ref(t, slot)
	if err != nil || !ok {
		return 0, 0, err
	}
	n, err := b.u32(p)
	if err != nil {
		return 0, 0, err
	}
	start := p + 4
	if uint64(start) > uint64(len(b)) || uint64(n)*uint64(elem) > uint64(len(b))-uint64(start) {
		return 0, 0, fmt.Errorf("a vector of %d elements at byte %d of %d", n, start, len(b))
	}
	return start, n, nil
}

// table returns the position of the table element i of the vector of
// tables starting at start.
func (b flatbuf) table(start, i uint32) (uint32, error) {
	e := start + 4*i
	o, err := b.u32(e)
	return e + o, err
}

// checkSchema checks the schema table at t of b (see above).
func (b flatbuf) checkSchema(t uint32) error {
	budget := len(b) / 4 // a field takes at least 4 bytes
	var fields func(t uint32, slot, depth int) error
	fields = func(t uint32, slot, depth int) error {
		if depth > maxSchemaDepth {
			return fmt.Errorf("fields nested deeper than %d", maxSchemaDepth)
		}
		start, n, err := b.vector(t, slot, 4)
		if err != nil {
			return err
		}
		if budget -= int(n); budget < 0 {
			return fmt.Errorf("more fields than %d bytes can describe", len(b))
		}
		for i := range n {
			f, err := b.table(start, i)
			if err != nil {
				return err
			}
			if _, _, err := b.vector(f, 6, 4); err != nil { // custom_metadata
				return err
			}
			if err := fields(f, 5, depth+1); err != nil { // children
				return err
			}
		}
		return nil
	}
	if _, _, err := b.vector(t, 2, 4); err != nil { // custom_metadata
		return err
	}
	if _, _, err := b.vector(t, 3, 8); err != nil { // features
		return err
	}
	return fields(t, 1, 0)
}

// checkFileSchema checks the schema in the footer of the IPC file r.
func checkFileSchema(r ipc.ReadAtSeeker) error {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return err
	}
	const tail = 10 // int32 footer length, "ARROW1"
	if size < tail {
		return nil // arrow-go reports the short file
	}
	var t [tail]byte
	if _, err := r.ReadAt(t[:], size-tail); err != nil {
		return err
	}
	n := int64(int32(binary.LittleEndian.Uint32(t[:])))
	if n <= 0 || n > size-tail {
		return nil // arrow-go reports the bad footer length
	}
	b := make(flatbuf, n)
	if _, err := r.ReadAt(b, size-tail-n); err != nil {
		return err
	}
	root, err := b.u32(0)
	if err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	s, ok, err := b.ref(root, 1)
	if ok {
		err = b.checkSchema(s)
	}
	for slot := 2; err == nil && slot <= 3; slot++ { // dictionaries, record batches: 24-byte blocks
		_, _, err = b.vector(root, slot, 24)
	}
	if err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	return nil
}

// checkStreamSchema reads the first message of the IPC stream r, checks it
// when it is a schema, and returns a reader of the whole stream.
func checkStreamSchema(r io.Reader) (io.Reader, error) {
	var head bytes.Buffer
	tee := io.TeeReader(r, &head)
	var p [8]byte
	if _, err := io.ReadFull(tee, p[:4]); err != nil {
		return io.MultiReader(&head, r), nil // arrow-go reports the short stream
	}
	n := int64(int32(binary.LittleEndian.Uint32(p[:4])))
	if n == -1 { // continuation marker, then the length
		if _, err := io.ReadFull(tee, p[4:]); err != nil {
			return io.MultiReader(&head, r), nil
		}
		n = int64(int32(binary.LittleEndian.Uint32(p[4:])))
	}
	if n > maxSchemaBytes {
		return nil, fmt.Errorf("first message of %d bytes, more than %d", n, maxSchemaBytes)
	}
	if n <= 0 {
		return io.MultiReader(&head, r), nil // arrow-go reports the end or the bad length
	}
	start := head.Len()
	if _, err := io.CopyN(io.Discard, tee, n); err != nil {
		// Said here rather than by arrow-go, which would first allocate
		// the n bytes the stream claims.
		return nil, fmt.Errorf("first message of %d bytes: %w", n, err)
	}
	b := flatbuf(head.Bytes()[start:])
	root, err := b.u32(0)
	if err != nil {
		return nil, fmt.Errorf("first message: %w", err)
	}
	kind, ok, err := b.field(root, 1) // header_type
	if err != nil {
		return nil, fmt.Errorf("first message: %w", err)
	}
	if ok && uint64(kind) < uint64(len(b)) && b[kind] == 1 { // Schema
		s, ok, err := b.ref(root, 2)
		if ok {
			err = b.checkSchema(s)
		}
		if err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
	}
	return io.MultiReader(&head, r), nil
}
