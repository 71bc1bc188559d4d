package contract

import (
	"encoding/binary"
	"unsafe"
)

// Allowed-value sets compiled at Bind time for the block evaluator.

// intSet is an allowed set of integers: a 64-bit mask when every value
// lies within 64 of the smallest, else a map.
type intSet struct {
	base int64
	mask uint64
	m    map[int64]struct{} // nil when the mask is used
}

func newIntSet(vals map[int64]struct{}) intSet {
	var lo, hi int64
	first := true
	for n := range vals {
		if first || n < lo {
			lo = n
		}
		if first || n > hi {
			hi = n
		}
		first = false
	}
	if first || uint64(hi-lo) >= 64 || hi-lo < 0 {
		return intSet{m: vals}
	}
	s := intSet{base: lo}
	for n := range vals {
		s.mask |= 1 << uint64(n-lo)
	}
	return s
}

func (s *intSet) has(n int64) bool {
	if s.m != nil {
		_, ok := s.m[n]
		return ok
	}
	d := uint64(n - s.base)
	return d < 64 && s.mask>>d&1 != 0
}

// strSet is an allowed set of strings: a collision-free hash table found
// at Bind time, keyed by a word made of the string's bytes (all of them
// for strings of up to 8 bytes, which then need no string comparison),
// else a map.
type strSet struct {
	tab   []strSlot
	mul   uint64
	shift uint64
	empty bool                // "" is a member
	m     map[string]struct{} // fallback when tab is nil
}

type strSlot struct {
	word uint64
	n    int    // length; 0 in an empty slot
	s    string // the member, compared when longer than 8 bytes
}

// strWord packs the bytes of a non-empty s into a word: exactly for up to
// 8 bytes (with the length, it identifies s), its ends beyond.
func strWord(s string) uint64 {
	n := len(s)
	b := unsafe.Slice(unsafe.StringData(s), n)
	switch {
	case n >= 4:
		return uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32
	default:
		return uint64(b[0]) | uint64(b[n/2])<<8 | uint64(b[n-1])<<16
	}
}

func (s *strSet) slot(w uint64, n int) uint64 {
	return ((w ^ uint64(n)<<58) * s.mul) >> s.shift
}

var strSetMuls = [...]uint64{0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9}

func newStrSet(vals []string) strSet {
	var s strSet
	var members []string
	seen := make(map[string]struct{}, len(vals))
	for _, v := range vals {
		if _, dup := seen[v]; dup {
			continue
		}
		seen[v] = struct{}{}
		if v == "" {
			s.empty = true
			continue
		}
		members = append(members, v)
	}
	if len(members) <= 256 {
		bits := uint64(1)
		for 1<<bits < 2*len(members) {
			bits++
		}
		for extra := uint64(0); extra < 4; extra++ {
			b := bits + extra
			for _, mul := range strSetMuls {
				t := strSet{tab: make([]strSlot, 1<<b), mul: mul, shift: 64 - b, empty: s.empty}
				ok := true
				for _, v := range members {
					sl := &t.tab[t.slot(strWord(v), len(v))]
					if sl.n != 0 {
						ok = false
						break
					}
					*sl = strSlot{word: strWord(v), n: len(v), s: v}
				}
				if ok {
					return t
				}
			}
		}
	}
	s.m = seen
	return s
}

func (s *strSet) has(x string) bool {
	if s.tab == nil {
		_, ok := s.m[x]
		return ok
	}
	n := len(x)
	if n == 0 {
		return s.empty
	}
	w := strWord(x)
	sl := &s.tab[s.slot(w, n)]
	return sl.n == n && sl.word == w && (n <= 8 || sl.s == x)
}
