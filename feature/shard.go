package feature

import (
	"encoding"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/loomml/loom/internal/sketch"
)

// passMagic starts an encoded Pass (version 1).
const passMagic = "LFP1"

// MarshalBinary encodes the statistics of p, for sending them to the
// process that merges a sharded fit (see Fitting): an Apache Beam worker,
// say. Fitting.DecodePass reads them back. The encoding holds the pass
// number, the row count and each accumulator's statistics (moments,
// min/max, kept values or the quantile sketch, value and category counts,
// target-encoding label sums); kept values make it as large as the
// values, 8 bytes each (Options.SketchK bounds it). A Learner's
// Accumulator must implement encoding.BinaryMarshaler (and its
// NewAccumulator's result encoding.BinaryUnmarshaler) to be encoded; one
// that does not is a *StateError naming the feature.
func (p *Pass[T]) MarshalBinary() ([]byte, error) {
	b := append([]byte(nil), passMagic...)
	b = binary.AppendUvarint(b, uint64(p.level))
	b = binary.AppendVarint(b, p.rows)
	b = binary.AppendUvarint(b, uint64(len(p.nums)))
	for i := range p.nums {
		switch {
		case p.nums[i] != nil:
			a := p.nums[i]
			b = append(b, 1)
			b = binary.AppendVarint(b, a.n)
			for _, x := range [...]float64{a.mean, a.m2, a.min, a.max} {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
			}
			b = appendFloats(b, a.values)
			var sk []byte
			if a.sk != nil {
				sk, _ = a.sk.MarshalBinary()
			}
			b = appendBytes(b, sk)
			b = binary.AppendUvarint(b, uint64(len(a.counts)))
			for _, v := range slices.Sorted(maps.Keys(a.counts)) {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
				b = binary.AppendVarint(b, a.counts[v])
			}
			var user []byte
			if a.user != nil {
				m, ok := a.user.(encoding.BinaryMarshaler)
				if !ok {
					return nil, &StateError{Feature: p.fz.feats[i].def.name, Reason: fmt.Sprintf("the Accumulator %T does not implement encoding.BinaryMarshaler", a.user), Err: ErrFormat}
				}
				var err error
				if user, err = m.MarshalBinary(); err != nil {
					return nil, &StateError{Feature: p.fz.feats[i].def.name, Reason: "encoding the Accumulator", Err: err}
				}
			}
			b = appendBytes(b, user)
		case p.cats[i] != nil:
			a := p.cats[i]
			b = append(b, 2)
			b = binary.AppendUvarint(b, uint64(len(a.counts)))
			for _, k := range slices.Sorted(maps.Keys(a.counts)) {
				b = appendBytes(b, []byte(k))
				b = binary.AppendVarint(b, a.counts[k])
			}
			b = binary.AppendVarint(b, a.missing)
			b = binary.AppendUvarint(b, uint64(a.folds))
			if a.folds > 0 {
				b = binary.AppendUvarint(b, uint64(len(a.byCat)))
				for _, k := range slices.Sorted(maps.Keys(a.byCat)) {
					b = appendBytes(b, []byte(k))
					b = appendFolds(b, a.byCat[k])
				}
				b = appendFolds(appendFolds(b, a.miss), a.all)
			}
		default:
			b = append(b, 0)
		}
	}
	return b, nil
}

func appendFloats(b []byte, xs []float64) []byte {
	b = binary.AppendUvarint(b, uint64(len(xs)))
	for _, x := range xs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func appendBytes(b, x []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(x))), x...)
}

func appendFolds(b []byte, f *foldStats) []byte {
	for i := range f.sum {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f.sum[i]))
		b = binary.AppendVarint(b, f.cnt[i])
	}
	return b
}

// passReader reads an encoded Pass, remembering the first error.
type passReader struct {
	b   []byte
	off int
	err error
}

func (r *passReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = &StateError{Reason: fmt.Sprintf("encoded pass, byte %d: ", r.off) + fmt.Sprintf(format, args...), Err: ErrFormat}
	}
}

func (r *passReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad unsigned varint")
		return 0
	}
	r.off += n
	return v
}

func (r *passReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.off += n
	return v
}

// count reads a non-negative varint.
func (r *passReader) count() int64 {
	v := r.varint()
	if v < 0 {
		r.fail("negative count %d", v)
		return 0
	}
	return v
}

// length reads a length of items of size bytes each, checked against the
// bytes left so that nothing is allocated beyond the input's size.
func (r *passReader) length(size int) int {
	v := r.uvarint()
	if r.err == nil && v > uint64(len(r.b)-r.off)/uint64(size) {
		r.fail("length %d beyond the %d bytes left", v, len(r.b)-r.off)
		return 0
	}
	return int(v)
}

func (r *passReader) float() float64 {
	if r.err != nil {
		return 0
	}
	if len(r.b)-r.off < 8 {
		r.fail("truncated")
		return 0
	}
	x := math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.off:]))
	r.off += 8
	return x
}

func (r *passReader) bytes() []byte {
	n := r.length(1)
	if r.err != nil {
		return nil
	}
	x := r.b[r.off : r.off+n]
	r.off += n
	return x
}

func (r *passReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("truncated")
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *passReader) folds(f *foldStats) {
	for i := range f.sum {
		f.sum[i] = r.float()
		f.cnt[i] = r.count()
	}
}

// DecodePass decodes a Pass encoded by Pass.MarshalBinary from a Fitting
// of the same Set's definitions, for merging into the passes of fz (the
// pass it was made for may be any, not only fz's current one: a process
// that only merges needs no state of earlier passes). Malformed data, or
// data from another Set's definitions, is a *StateError wrapping
// ErrFormat; decoding never panics and allocates in proportion to data.
func (fz *Fitting[T]) DecodePass(data []byte) (*Pass[T], error) {
	r := &passReader{b: data}
	if len(data) < len(passMagic) || string(data[:len(passMagic)]) != passMagic {
		r.fail("no %q header", passMagic)
		return nil, r.err
	}
	r.off = len(passMagic)
	level := r.uvarint()
	if r.err == nil && level >= uint64(fz.npasses) {
		r.fail("pass %d of a set fitted in %d", level+1, fz.npasses)
	}
	rows := r.count()
	nf := r.uvarint()
	if r.err == nil && nf != uint64(len(fz.feats)) {
		r.fail("%d features, the set has %d", nf, len(fz.feats))
	}
	if r.err != nil {
		return nil, r.err
	}
	p := fz.newPass(int(level))
	p.rows = rows
	for i := range p.nums {
		tag := r.byte()
		want := byte(0)
		if p.nums[i] != nil {
			want = 1
		} else if p.cats[i] != nil {
			want = 2
		}
		if r.err == nil && tag != want {
			r.fail("feature %q: statistics of kind %d, want %d", fz.feats[i].def.name, tag, want)
		}
		if r.err != nil {
			return nil, r.err
		}
		if a := p.nums[i]; a != nil {
			r.decodeNum(a, fz.feats[i].def.name)
		} else if a := p.cats[i]; a != nil {
			r.decodeCat(a)
		}
	}
	if r.err == nil && r.off != len(data) {
		r.fail("%d bytes after the pass", len(data)-r.off)
	}
	if r.err != nil {
		return nil, r.err
	}
	return p, nil
}

func (r *passReader) decodeNum(a *numAcc, feature string) {
	a.n = r.count()
	a.mean, a.m2, a.min, a.max = r.float(), r.float(), r.float(), r.float()
	nv := r.length(8)
	if r.err == nil && nv > 0 && !a.keepVals {
		r.fail("feature %q: kept values where none are kept", feature)
	}
	if r.err == nil && nv > 0 {
		a.values = make([]float64, nv)
		for j := range a.values {
			a.values[j] = r.float()
		}
	}
	sk := r.bytes()
	switch {
	case r.err != nil:
	case (len(sk) > 0) != (a.sk != nil):
		r.fail("feature %q: a quantile sketch where none is kept, or none where one is", feature)
	case a.sk != nil:
		s := new(sketch.KLL)
		if err := s.UnmarshalBinary(sk); err != nil {
			r.fail("feature %q: %v", feature, err)
		} else if s.K() != a.sk.K() {
			r.fail("feature %q: a sketch of k=%d, the set's is %d", feature, s.K(), a.sk.K())
		} else {
			a.sk = s
		}
	}
	nc := r.length(9)
	if r.err == nil && nc > 0 && a.counts == nil {
		r.fail("feature %q: value counts where none are kept", feature)
	}
	for i := 0; i < nc && r.err == nil; i++ {
		v := r.float()
		a.counts[v] = r.count()
	}
	user := r.bytes()
	if r.err == nil && a.user == nil && len(user) > 0 {
		r.fail("feature %q: a Learner's statistics where the transform has none", feature)
	}
	if r.err == nil && a.user != nil {
		u, ok := a.user.(encoding.BinaryUnmarshaler)
		if !ok {
			r.err = &StateError{Feature: feature, Reason: fmt.Sprintf("the Accumulator %T does not implement encoding.BinaryUnmarshaler", a.user), Err: ErrFormat}
		} else if err := u.UnmarshalBinary(user); err != nil {
			r.err = &StateError{Feature: feature, Reason: "decoding the Accumulator: " + err.Error(), Err: ErrFormat}
		}
	}
	if r.err == nil && (a.n < 0 || a.n > 0 && (a.min > a.max || a.m2 < 0 || a.m2 != a.m2 || a.mean != a.mean) || a.keepVals && int64(len(a.values)) != a.n) {
		r.fail("feature %q: inconsistent statistics (n=%d, min=%v, max=%v, m2=%v, %d values)", feature, a.n, a.min, a.max, a.m2, len(a.values))
	}
}

func (r *passReader) decodeCat(a *catAcc) {
	nc := r.length(2)
	for range nc {
		k := string(r.bytes())
		a.counts[k] = r.count()
	}
	a.missing = r.count()
	folds := r.uvarint()
	if r.err == nil && folds != uint64(a.folds) {
		r.fail("%d target-encoding folds, the set has %d", folds, a.folds)
	}
	if r.err != nil || a.folds == 0 {
		return
	}
	nb := r.length(1 + 2*a.folds)
	for range nb {
		k := string(r.bytes())
		st := newFoldStats(a.folds)
		r.folds(st)
		a.byCat[k] = st
	}
	r.folds(a.miss)
	r.folds(a.all)
}

// OrderDependent reports whether fitting s depends on the order of the
// training rows, beyond the rounding of merged moments: true when a
// feature is target-encoded, as its cross-fitting folds follow the row
// index (see Pass.StartAt). A fit over shards with no global row order
// (Apache Beam's collections) cannot reproduce such a fit.
func (s *Set[T]) OrderDependent() bool {
	for _, d := range s.defs {
		if d.typ == typeCat && d.cats[len(d.cats)-1].kind == catTarget {
			return true
		}
	}
	return false
}
