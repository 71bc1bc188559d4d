package sketch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrCorrupt is wrapped by UnmarshalBinary errors for malformed encodings.
var ErrCorrupt = errors.New("sketch: corrupt encoding")

// Encoding layout (little endian), version 1:
//
//	"KLL1" | k u32 | n u64 | min f64 | max f64 | rng u64 | levels u32 |
//	per level: count u32, then count f64 items
const magic = "KLL1"

// MarshalBinary encodes the sketch, generator state included, so that a
// decoded sketch continues exactly as the original would.
func (s *KLL) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 44+4*len(s.levels)+8*s.held())
	b = append(b, magic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(s.k))
	b = binary.LittleEndian.AppendUint64(b, s.Count())
	mn, mx := s.bounds()
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(mn))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(mx))
	b = binary.LittleEndian.AppendUint64(b, s.rng)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.levels)))
	b = binary.LittleEndian.AppendUint32(b, uint32(s.n0))
	for _, k := range s.level0() {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(unkey(k)))
	}
	for _, lv := range s.levels[1:] {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(lv)))
		for _, k := range lv {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(unkey(k)))
		}
	}
	return b, nil
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// UnmarshalBinary decodes an encoding made by MarshalBinary into s,
// replacing its contents. Malformed or hostile input returns an error
// wrapping ErrCorrupt; nothing is allocated beyond the input's own size.
func (s *KLL) UnmarshalBinary(data []byte) error {
	const head = 4 + 4 + 8 + 8 + 8 + 8 + 4
	if len(data) < head {
		return corrupt("%d bytes, want at least %d", len(data), head)
	}
	if string(data[:4]) != magic {
		return corrupt("bad magic %q", data[:4])
	}
	le := binary.LittleEndian
	k := int(le.Uint32(data[4:]))
	n := le.Uint64(data[8:])
	mn := math.Float64frombits(le.Uint64(data[16:]))
	mx := math.Float64frombits(le.Uint64(data[24:]))
	rng := le.Uint64(data[32:])
	H := int(le.Uint32(data[40:]))
	if k < minK || k > maxK {
		return corrupt("k = %d outside [%d, %d]", k, minK, maxK)
	}
	if H < 1 || H > maxLevel {
		return corrupt("%d levels, want 1 to %d", H, maxLevel)
	}
	rest := data[head:]
	levels := make([][]uint64, H)
	var weight uint64
	size := 0
	for h := range H {
		if len(rest) < 4 {
			return corrupt("level %d: truncated count", h)
		}
		c := int(le.Uint32(rest))
		rest = rest[4:]
		if c > len(rest)/8 {
			return corrupt("level %d: %d items but %d bytes left", h, c, len(rest))
		}
		lv := make([]uint64, c) // no capacity from the header: hostile k cannot force a large allocation
		for i := range c {
			x := math.Float64frombits(le.Uint64(rest[8*i:]))
			if x != x {
				return corrupt("level %d item %d is NaN", h, i)
			}
			if x < mn || x > mx {
				return corrupt("level %d item %d = %v outside [min, max] = [%v, %v]", h, i, x, mn, mx)
			}
			lv[i] = key(x)
		}
		if h > 0 {
			slices.Sort(lv) // the sketch keeps levels above 0 sorted
		}
		rest = rest[8*c:]
		w := uint64(c) << uint(h)
		if c != 0 && (w>>uint(h) != uint64(c) || weight+w < weight) {
			return corrupt("level %d: weight overflows", h)
		}
		weight += w
		size += c
		levels[h] = lv
	}
	if len(rest) != 0 {
		return corrupt("%d trailing bytes", len(rest))
	}
	if weight != n {
		return corrupt("items weigh %d, count is %d", weight, n)
	}
	if n > 0 && (mn != mn || mx != mx || mn > mx) {
		return corrupt("min %v, max %v", mn, mx)
	}
	if n == 0 {
		mn, mx = math.Inf(1), math.Inf(-1)
	}
	l0 := levels[0]
	levels[0] = nil
	*s = KLL{k: k, nUp: n - uint64(len(l0)), min: mn, max: mx, rng: rng, sizeUp: size - len(l0), levels: levels, caps: make([]int, 0, maxLevel), scr: &scratch{}}
	s.setLevel0(l0)
	s.setCaps()
	s.compress()
	s.setLim()
	return nil
}
