package drift

import "hash/maphash"

// vocab maps the reference categories of one column to their indexes for
// the monitor's hot path: an open-addressing table with linear probing, at
// most half full, so that a lookup hashes the value once, usually compares
// one string and never allocates. The table's layout depends on a random
// hash seed; the indexes it returns do not.
type vocab struct {
	seed  maphash.Seed
	mask  uint64
	slots []vocabSlot
}

type vocabSlot struct {
	key string
	idx int32 // category index + 1; 0 marks an empty slot
}

// newVocab indexes cats by value; a repeated value keeps its first index.
func newVocab(cats []Category) *vocab {
	size := 8
	for size < 2*len(cats) {
		size *= 2
	}
	v := &vocab{seed: maphash.MakeSeed(), mask: uint64(size - 1), slots: make([]vocabSlot, size)}
	for i, c := range cats {
		if v.index(c.Value) >= 0 {
			continue
		}
		j := maphash.String(v.seed, c.Value) & v.mask
		for v.slots[j].idx != 0 {
			j = (j + 1) & v.mask
		}
		v.slots[j] = vocabSlot{key: c.Value, idx: int32(i) + 1}
	}
	return v
}

// index returns the index of s among the categories, or −1.
func (v *vocab) index(s string) int {
	j := maphash.String(v.seed, s) & v.mask
	for {
		sl := &v.slots[j]
		if sl.idx == 0 {
			return -1
		}
		if sl.key == s {
			return int(sl.idx) - 1
		}
		j = (j + 1) & v.mask
	}
}
