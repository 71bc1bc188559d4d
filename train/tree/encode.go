package tree

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/loomml/loom/train"
)

// Kind is the model kind of tree ensembles, registered with package train
// in init: every model of package tree (and of the trainers that build on
// it) encodes and decodes under this one kind.
const Kind = "tree_ensemble"

func init() { train.Register(Kind, decode) }

// Sizes in bytes of the encoded parts; see MarshalBinary.
const (
	nodeBytes       = 4 + 4 + 8 + 4 + 2 + 1
	treeHeaderBytes = 4 + 4 + 4 + 1
	// formatVersion is the layout of an ensemble without flags;
	// flagsVersion adds a byte of flags after the link.
	formatVersion = 1
	flagsVersion  = 2
)

// The bits of the flags byte of version 2.
const (
	flagFloat32 = 1 << 0
	knownSpec   = flagFloat32
)

// The bits of a tree's parts byte.
const (
	hasGains  = 1 << 0
	hasCovers = 1 << 1
)

// MarshalBinary writes the payload of train.Encode, all integers
// little-endian and floats as IEEE-754 bits:
//
//	u8 version (1, or 2 when flags follow), u8 link
//	u8 flags, in version 2 only (bit 0: Spec.Float32); an ensemble
//	  without flags is written as version 1, as before flags existed
//	u32 classes k, k × f64 labels
//	u32 outputs m, m × f64 base margins
//	u32 trees, then per tree:
//	  u32 class, u32 nodes n, u32 bitset words w,
//	  u8 parts (bit 0: gains present, bit 1: covers present)
//	  n × (i32 feature, i32 left, f64 value, u32 cat offset, u16 cat words, u8 flags)
//	  w × u64 bitset words
//	  n × f64 gains, when present
//	  n × f64 covers, when present
func (e *Ensemble) MarshalBinary() ([]byte, error) {
	s := &e.spec
	size := 3 + 4 + 8*len(s.Classes) + 4 + 8*len(s.Base) + 4
	for i := range s.Trees {
		t := &s.Trees[i]
		size += treeHeaderBytes + nodeBytes*len(t.Nodes) + 8*len(t.Cats) + 8*len(t.Gain) + 8*len(t.Cover)
	}
	le := binary.LittleEndian
	b := make([]byte, 0, size)
	if s.Float32 {
		b = append(b, flagsVersion, byte(s.Link), flagFloat32)
	} else {
		b = append(b, formatVersion, byte(s.Link))
	}
	b = appendFloats(le.AppendUint32(b, uint32(len(s.Classes))), s.Classes)
	b = appendFloats(le.AppendUint32(b, uint32(len(s.Base))), s.Base)
	b = le.AppendUint32(b, uint32(len(s.Trees)))
	for i := range s.Trees {
		t := &s.Trees[i]
		b = le.AppendUint32(b, uint32(t.Class))
		b = le.AppendUint32(b, uint32(len(t.Nodes)))
		b = le.AppendUint32(b, uint32(len(t.Cats)))
		var parts byte
		if t.Gain != nil {
			parts |= hasGains
		}
		if t.Cover != nil {
			parts |= hasCovers
		}
		b = append(b, parts)
		for _, n := range t.Nodes {
			b = le.AppendUint32(b, uint32(n.Feature))
			b = le.AppendUint32(b, uint32(n.Left))
			b = le.AppendUint64(b, math.Float64bits(n.Value))
			b = le.AppendUint32(b, n.CatOffset)
			b = le.AppendUint16(b, n.CatWords)
			b = append(b, byte(n.Flags))
		}
		for _, w := range t.Cats {
			b = le.AppendUint64(b, w)
		}
		b = appendFloats(b, t.Gain)
		b = appendFloats(b, t.Cover)
	}
	return b, nil
}

func appendFloats(b []byte, v []float64) []byte {
	for _, f := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	return b
}

func decode(info train.Info, payload []byte) (train.Model, error) {
	r := reader{b: payload}
	v := r.u8()
	if r.err == nil && v != formatVersion && v != flagsVersion {
		return nil, fmt.Errorf("%w: tree ensemble payload version %d, this build reads %d and %d", train.ErrCorrupt, v, formatVersion, flagsVersion)
	}
	s := Spec{Features: info.Features, FeatureFingerprint: info.FeatureFingerprint, Link: Link(r.u8())}
	if v == flagsVersion {
		switch f := r.u8(); {
		case r.err != nil:
		case f&^knownSpec != 0:
			return nil, fmt.Errorf("%w: tree ensemble flags %#x: unknown bits %#x", train.ErrCorrupt, f, f&^knownSpec)
		case f == 0:
			return nil, fmt.Errorf("%w: tree ensemble payload version %d without flags", train.ErrCorrupt, v)
		default:
			s.Float32 = f&flagFloat32 != 0
		}
	}
	s.Classes = r.floats(int(r.u32()))
	s.Base = r.floats(int(r.u32()))
	nt := int(r.u32())
	if nt > len(r.b)/(treeHeaderBytes+nodeBytes) {
		r.fail()
	}
	if r.err == nil {
		s.Trees = make([]Tree, nt)
	}
	for i := range s.Trees {
		t := &s.Trees[i]
		t.Class = int(r.u32())
		nn, nc := int(r.u32()), int(r.u32())
		parts := r.u8()
		if r.err != nil || nn > len(r.b)/nodeBytes || parts&^(hasGains|hasCovers) != 0 {
			r.fail()
			break
		}
		t.Nodes = make([]Node, nn)
		for j := range t.Nodes {
			nb := r.bytes(nodeBytes)
			t.Nodes[j] = Node{
				Feature:   int32(binary.LittleEndian.Uint32(nb)),
				Left:      int32(binary.LittleEndian.Uint32(nb[4:])),
				Value:     math.Float64frombits(binary.LittleEndian.Uint64(nb[8:])),
				CatOffset: binary.LittleEndian.Uint32(nb[16:]),
				CatWords:  binary.LittleEndian.Uint16(nb[20:]),
				Flags:     Flags(nb[22]),
			}
		}
		if nc > len(r.b)/8 {
			r.fail()
			break
		}
		t.Cats = make([]uint64, nc)
		for j := range t.Cats {
			t.Cats[j] = binary.LittleEndian.Uint64(r.bytes(8))
		}
		if parts&hasGains != 0 {
			t.Gain = r.floats(nn)
		}
		if parts&hasCovers != 0 {
			t.Cover = r.floats(nn)
		}
	}
	if r.err == nil && len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes in a tree ensemble payload", train.ErrCorrupt, len(r.b))
	}
	if r.err != nil {
		return nil, r.err
	}
	e, err := build(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", train.ErrCorrupt, err)
	}
	return e.Model(), nil
}

// reader decodes little-endian values, remembering the first error;
// reads past the end return zero values.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated tree ensemble payload", train.ErrCorrupt)
	}
	r.b = nil
}

func (r *reader) bytes(n int) []byte {
	if n > len(r.b) {
		r.fail()
		return make([]byte, n)
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u8() uint8   { return r.bytes(1)[0] }
func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.bytes(4)) }

// floats reads n floats, refusing counts the remaining bytes cannot hold.
func (r *reader) floats(n int) []float64 {
	if n > len(r.b)/8 {
		r.fail()
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(r.bytes(8)))
	}
	return out
}
