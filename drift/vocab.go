package drift

import (
	"hash/maphash"
	"math/bits"
)

// vocab maps the reference categories of one column to their indexes for
// the monitor's hot path: an open-addressing table with linear probing, at
// most half full, so that a lookup hashes the value once, usually probes
// one slot and never allocates. Values of at most 8 bytes (most category
// labels) are packed into a word that is hashed and compared as an
// integer; longer ones are hashed with hash/maphash and compared as
// strings. Only speed depends on the layout; the indexes returned do not.
type vocab struct {
	seed  maphash.Seed
	shift uint // 64 − log2(len(slots)), for the short-value hash (masked to 63 where used, sparing the check for shifts ≥ 64)
	mask  uint64
	slots []vocabSlot
}

type vocabSlot struct {
	key  string
	word uint64 // key packed by pack when len(key) ≤ 8
	idx  int32  // category index + 1; 0 marks an empty slot
}

// newVocab indexes cats by value; a repeated value keeps its first index.
func newVocab(cats []Category) *vocab {
	size := 8
	for size < 2*len(cats) {
		size *= 2
	}
	v := &vocab{
		seed: maphash.MakeSeed(), shift: uint(64 - bits.TrailingZeros(uint(size))),
		mask: uint64(size - 1), slots: make([]vocabSlot, size),
	}
	for i, c := range cats {
		if v.index(c.Value) >= 0 {
			continue
		}
		j := v.home(c.Value)
		for v.slots[j].idx != 0 {
			j = (j + 1) & v.mask
		}
		sl := vocabSlot{key: c.Value, idx: int32(i) + 1}
		if len(c.Value) <= 8 {
			sl.word = pack(c.Value)
		}
		v.slots[j] = sl
	}
	return v
}

// pack returns the bytes of s (at most 8) as a little-endian word; with
// the length it identifies s.
func pack(s string) uint64 {
	var w uint64
	for i := len(s) - 1; i >= 0; i-- {
		w = w<<8 | uint64(s[i])
	}
	return w
}

// home returns the first slot to probe for s.
func (v *vocab) home(s string) uint64 {
	if len(s) <= 8 {
		return ((pack(s) + uint64(len(s))) * 0x9e3779b97f4a7c15) >> (v.shift & 63)
	}
	return maphash.String(v.seed, s) & v.mask
}

// index returns the index of s among the categories, or −1.
func (v *vocab) index(s string) int {
	if len(s) <= 8 {
		w := pack(s)
		j := ((w + uint64(len(s))) * 0x9e3779b97f4a7c15) >> (v.shift & 63)
		for {
			sl := &v.slots[j]
			if sl.idx == 0 {
				return -1
			}
			if sl.word == w && len(sl.key) == len(s) {
				return int(sl.idx) - 1
			}
			j = (j + 1) & v.mask
		}
	}
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
