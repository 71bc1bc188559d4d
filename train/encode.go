package train

import (
	"encoding"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"sync"
	"unicode/utf8"
)

// Decoder rebuilds a model of one kind from the payload its
// MarshalBinary method wrote. The envelope's header is passed as info
// (Kind, Features and FeatureFingerprint set, Classes nil). A Decoder must
// reject any payload it did not write with an error wrapping ErrCorrupt,
// without panicking and without allocating more than the payload's size
// justifies.
type Decoder func(info Info, payload []byte) (Model, error)

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Decoder{}
)

// Register makes a model kind decodable by Decode. Packages that define a
// model kind call it from init, the way database/sql drivers register. It
// panics when dec is nil, the kind is empty or longer than 64 bytes, or
// the kind is already registered.
func Register(kind string, dec Decoder) {
	if dec == nil {
		panic(fmt.Sprintf("train: Register decoder is nil for kind %q", kind))
	}
	if kind == "" || len(kind) > maxKindLen || !utf8.ValidString(kind) {
		panic(fmt.Sprintf("train: model kind must be 1 to %d bytes of UTF-8, got %q", maxKindLen, kind))
	}
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[kind]; dup {
		panic(fmt.Sprintf("train: Register called twice for kind %q", kind))
	}
	kinds[kind] = dec
}

// Kinds returns the registered model kinds, sorted.
func Kinds() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Limits and constants of the encoding; see Encode.
const (
	magic          = "LOOMMODL"
	formatVersion  = 1
	maxKindLen     = 64
	maxFeatures    = 1 << 24
	maxFingerprint = 4096
	maxPayload     = 1 << 30
)

// Encode returns the bytes of m in Loom's model format, version 1. The
// model must implement encoding.BinaryMarshaler (otherwise the error wraps
// ErrNotEncodable). The layout is data only, all integers little-endian:
//
//	offset  size  field
//	0       8     magic "LOOMMODL"
//	8       2     format version, 1
//	10      2     kind length k, 1..64
//	12      k     kind (UTF-8), the name given to Register
//	        4     number of features, 1..2^24
//	        2     fingerprint length f, 0..4096
//	        f     feature fingerprint
//	        4     payload length m, at most 2^30
//	        m     payload, written by the model's MarshalBinary
//	        4     CRC-32C (Castagnoli) of all the bytes before it
//
// Floats inside payloads are IEEE-754 bit patterns, so a decoded model
// predicts exactly what the encoded one did.
func Encode(m Model) ([]byte, error) {
	info := m.Info()
	bm, ok := m.(encoding.BinaryMarshaler)
	if !ok {
		return nil, fmt.Errorf("%w: kind %q (%T) does not implement encoding.BinaryMarshaler", ErrNotEncodable, info.Kind, m)
	}
	if info.Kind == "" || len(info.Kind) > maxKindLen {
		return nil, fmt.Errorf("%w: kind %q must be 1 to %d bytes", ErrNotEncodable, info.Kind, maxKindLen)
	}
	if info.Features < 1 || info.Features > maxFeatures {
		return nil, fmt.Errorf("%w: %d features, want 1 to %d", ErrNotEncodable, info.Features, maxFeatures)
	}
	if len(info.FeatureFingerprint) > maxFingerprint {
		return nil, fmt.Errorf("%w: feature fingerprint of %d bytes, want at most %d", ErrNotEncodable, len(info.FeatureFingerprint), maxFingerprint)
	}
	payload, err := bm.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("train: encoding %s model: %w", info.Kind, err)
	}
	if len(payload) > maxPayload {
		return nil, fmt.Errorf("%w: payload of %d bytes, want at most %d", ErrNotEncodable, len(payload), maxPayload)
	}
	out := make([]byte, 0, 8+2+2+len(info.Kind)+4+2+len(info.FeatureFingerprint)+4+len(payload)+4)
	out = append(out, magic...)
	out = binary.LittleEndian.AppendUint16(out, formatVersion)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(info.Kind)))
	out = append(out, info.Kind...)
	out = binary.LittleEndian.AppendUint32(out, uint32(info.Features))
	out = binary.LittleEndian.AppendUint16(out, uint16(len(info.FeatureFingerprint)))
	out = append(out, info.FeatureFingerprint...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(payload)))
	out = append(out, payload...)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
	return out, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Decode rebuilds a model from bytes written by Encode, using the decoder
// registered for its kind. Corrupt or hostile input gives an error wrapping
// ErrCorrupt, never a panic; a kind that no imported package registered
// gives an error wrapping ErrUnknownKind.
func Decode(data []byte) (Model, error) {
	info, payload, err := decodeEnvelope(data)
	if err != nil {
		return nil, err
	}
	kindsMu.RLock()
	dec := kinds[info.Kind]
	kindsMu.RUnlock()
	if dec == nil {
		return nil, fmt.Errorf("%w %q (forgotten import?)", ErrUnknownKind, info.Kind)
	}
	m, err := dec(info, payload)
	if err != nil {
		return nil, err
	}
	got := m.Info()
	if got.Kind != info.Kind || got.Features != info.Features || got.FeatureFingerprint != info.FeatureFingerprint {
		return nil, fmt.Errorf("%w: decoder for %q returned a %q model with %d features", ErrCorrupt, info.Kind, got.Kind, got.Features)
	}
	return m, nil
}

func decodeEnvelope(data []byte) (Info, []byte, error) {
	var info Info
	if len(data) < len(magic)+4 || string(data[:len(magic)]) != magic {
		return info, nil, fmt.Errorf("%w: not a Loom model (bad magic)", ErrCorrupt)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return info, nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	r := reader{b: body[len(magic):]}
	if v := r.uint16(); v != formatVersion {
		return info, nil, fmt.Errorf("%w: format version %d, this build reads %d", ErrCorrupt, v, formatVersion)
	}
	kl := int(r.uint16())
	if kl < 1 || kl > maxKindLen {
		return info, nil, fmt.Errorf("%w: kind length %d", ErrCorrupt, kl)
	}
	info.Kind = string(r.bytes(kl))
	info.Features = int(r.uint32())
	if r.err == nil && (info.Features < 1 || info.Features > maxFeatures) {
		return info, nil, fmt.Errorf("%w: %d features", ErrCorrupt, info.Features)
	}
	fl := int(r.uint16())
	if fl > maxFingerprint {
		return info, nil, fmt.Errorf("%w: fingerprint length %d", ErrCorrupt, fl)
	}
	info.FeatureFingerprint = string(r.bytes(fl))
	pl := int(r.uint32())
	if pl > maxPayload {
		return info, nil, fmt.Errorf("%w: payload length %d", ErrCorrupt, pl)
	}
	payload := r.bytes(pl)
	if r.err != nil {
		return info, nil, r.err
	}
	if len(r.b) != 0 {
		return info, nil, fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(r.b))
	}
	if !utf8.ValidString(info.Kind) {
		return info, nil, fmt.Errorf("%w: kind is not UTF-8", ErrCorrupt)
	}
	return info, payload, nil
}

// reader decodes little-endian values from a byte slice, remembering the
// first error; reads past the end return zero values.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	r.b = nil
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.fail()
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) uint16() uint16 {
	b := r.bytes(2)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *reader) uint32() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

// floats reads n float64 values, refusing to allocate for more values
// than the remaining bytes hold, and rejecting NaN and infinities.
func (r *reader) floats(n int) []float64 {
	if n < 0 || n > len(r.b)/8 {
		r.fail()
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		v := math.Float64frombits(binary.LittleEndian.Uint64(r.b[8*i:]))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if r.err == nil {
				r.err = fmt.Errorf("%w: non-finite parameter at %d", ErrCorrupt, i)
			}
		}
		out[i] = v
	}
	r.b = r.b[8*n:]
	return out
}

// done reports the first error, or ErrCorrupt when bytes are left over.
func (r *reader) done() error {
	if r.err != nil {
		return r.err
	}
	if len(r.b) != 0 {
		return fmt.Errorf("%w: %d trailing payload bytes", ErrCorrupt, len(r.b))
	}
	return nil
}

func appendFloats(b []byte, v []float64) []byte {
	for _, f := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	return b
}
