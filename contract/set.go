package contract

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

// strSet is an allowed set of strings: a collision-free hash table keyed
// by length and three bytes when one is found at Bind time (one string
// comparison per lookup), else a map.
type strSet struct {
	tab   []string // slot -> member; "" in empty slots
	mul   uint32
	shift uint32
	empty bool                // "" is a member
	m     map[string]struct{} // fallback when tab is nil
}

func strKey(s string) uint32 {
	return uint32(len(s)) | uint32(s[0])<<8 | uint32(s[len(s)/2])<<16 | uint32(s[len(s)-1])<<24
}

var strSetMuls = [...]uint32{0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0xD3A2646C | 1, 0xFD7046C5, 0xB55A4F09}

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
	if len(members) <= 64 {
		bits := uint32(1)
		for 1<<bits < 2*len(members) {
			bits++
		}
		for extra := uint32(0); extra < 4; extra++ {
			b := bits + extra
			for _, mul := range strSetMuls {
				tab := make([]string, 1<<b)
				ok := true
				for _, v := range members {
					i := (strKey(v) * mul) >> (32 - b)
					if tab[i] != "" {
						ok = false
						break
					}
					tab[i] = v
				}
				if ok {
					s.tab, s.mul, s.shift = tab, mul, 32-b
					return s
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
	if len(x) == 0 {
		return s.empty
	}
	return s.tab[(strKey(x)*s.mul)>>s.shift] == x
}
