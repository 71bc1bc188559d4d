package gbdt

import (
	"math/bits"
	"unsafe"
)

// The partition of a node's positions. Each split reorders, the same way,
// the node's range of the rows array, of each group's words and of the
// gradient pairs: the rows going left first. It runs in place, unstably,
// a block of partBlock words at a time from both ends, as vectorised
// quicksorts partition: two blocks are read ahead, so that each step has
// a block's worth of free words on either side; a step reads the next
// block from the side with less room (all of it, before it writes), and
// writes its left words (in order, eight words at a time) at the left
// frontier and its right words so that they end at the right frontier.
// Every word is read once and written once, where the stable partition
// copied one side through a scratch array and back: at a million rows the
// partition is bound by memory, not by instructions.
//
// Which side a step reads from depends on the counts of the steps
// before: a chain of dependent instructions and loads that, inside the
// pass over an array, kept its reads from running ahead. It is planned
// once per split, in a pass over the marks alone (partPlan), and each
// array's pass then knows its addresses in advance. The order is a
// function of the marks alone: the same for every array and every number
// of workers.

// partBlock is the number of words a step of the partition reads.
const partBlock = 32

// partState is the progress of a partition: the left words are at
// [0, l), the right ones at [r, len), the words not yet read at
// [readL, readR), and the rest, the two blocks read ahead and the free
// words, between them.
type partState struct{ l, r, readL, readR int }

// partStep is one step of a partition plan: the position of the block it
// reads, and the left frontier l before it (the right one is then
// l + m - partBlock·k at step k).
type partStep struct{ at, l uint32 }

// partPlan is the schedule of a partition for one set of marks, shared
// by every array partitioned by them.
type partPlan struct {
	steps []partStep
	end   partState // after the steps
}

// plan makes the plan of the marks of a node (len(marks) positions) in
// pl, reusing its memory.
func (pl *partPlan) plan(marks []uint8) {
	m := len(marks)
	pl.steps, pl.end = pl.steps[:0], partState{}
	if m < 2*partBlock {
		return
	}
	l, r, readL, readR := 0, m, partBlock, m-partBlock
	for readR-readL >= partBlock {
		at := readL
		if readL-l <= r-readR {
			readL += partBlock
		} else {
			readR -= partBlock
			at = readR
		}
		pl.steps = append(pl.steps, partStep{uint32(at), uint32(l)})
		nl := blockCount(marks, at)
		l += nl
		r -= partBlock - nl
	}
	pl.end = partState{l, r, readL, readR}
}

// blockCount returns the number of left marks (0xFF) of the block of
// marks at at.
func blockCount(marks []uint8, at int) int {
	b := marks[at : at+partBlock]
	p := unsafe.Pointer(&b[0])
	n := 0
	for i := 0; i < partBlock; i += 8 {
		n += bits.OnesCount64(*(*uint64)(unsafe.Add(p, i)))
	}
	return n >> 3
}

// apply reorders a (len(marks) words) by the marks pl was planned for,
// the left words first, in the order described above.
func (pl *partPlan) apply(a []uint32, marks []uint8) {
	applyPlan(pl, a, marks, func() {
		partSteps(&a[0], &marks[0], &pl.steps[0], len(pl.steps), len(marks), &packTable)
	})
}

// applyPairs is apply for gradient pairs, moved as the words are.
func (pl *partPlan) applyPairs(a []gradPair, marks []uint8) {
	applyPlan(pl, a, marks, func() {
		partSteps64(&a[0], &marks[0], &pl.steps[0], len(pl.steps), len(marks), &packTable4)
	})
}

// applyPlan is apply for elements of type T, with kernel the assembly
// steps over a (called when the machine has AVX2 and there are steps).
func applyPlan[T uint32 | gradPair](pl *partPlan, a []T, marks []uint8, kernel func()) {
	m := len(marks)
	a = a[:m]
	if m < 2*partBlock {
		var buf [2 * partBlock]T
		copy(buf[:], a)
		placeBlocks(a, buf[:m], marks)
		return
	}
	// The two blocks read ahead: positions [0, partBlock) and the last
	// partBlock.
	var buf [3 * partBlock]T
	copy(buf[:partBlock], a[:partBlock])
	var last [partBlock]T
	copy(last[:], a[m-partBlock:])
	if useAVX2 && len(pl.steps) > 0 {
		kernel()
	} else {
		partStepsGo(a, marks, pl.steps)
	}
	// Left: the blocks read ahead and the fewer than partBlock words not
	// read, between the frontiers, in position order.
	st := pl.end
	var bm [3 * partBlock]uint8
	copy(bm[:], marks[:partBlock])
	k := partBlock + copy(bm[partBlock:], marks[st.readL:st.readR])
	copy(bm[k:], marks[m-partBlock:])
	copy(buf[partBlock:], a[st.readL:st.readR])
	copy(buf[k:], last[:])
	placeBlocks(a[st.l:st.r], buf[:k+partBlock], bm[:k+partBlock])
}

// placeBlocks writes words (with their marks) to a, the left ones in
// order then the right ones in order.
func placeBlocks[T uint32 | gradPair](a []T, words []T, marks []uint8) {
	j := 0
	for i, v := range words {
		if marks[i] != 0 {
			a[j] = v
			j++
		}
	}
	for i, v := range words {
		if marks[i] == 0 {
			a[j] = v
			j++
		}
	}
}

// partStepsGo is the portable partSteps: the planned steps over a. A
// step reads its whole block, then writes it in eights: the eight words'
// left ones (in order) at the left frontier, their right ones (in order)
// so that they end at the right frontier, both frontiers moved, then the
// next eight.
func partStepsGo[T uint32 | gradPair](a []T, marks []uint8, steps []partStep) {
	var in [partBlock]T
	var blk [8]T
	span := len(a) // r - l at the step's start
	for _, st := range steps {
		at, l := int(st.at), int(st.l)
		r := l + span
		span -= partBlock
		copy(in[:], a[at:at+partBlock])
		for e := 0; e < partBlock; e += 8 {
			mk := marks[at+e : at+e+8]
			nl := 0
			for _, v := range mk {
				nl += int(v & 1)
			}
			// The kernel's permutation: the left words, then the right
			// ones, each in order.
			i, k := 0, nl
			for j, v := range mk {
				if v != 0 {
					blk[i] = in[e+j]
					i++
				} else {
					blk[k] = in[e+j]
					k++
				}
			}
			copy(a[l:l+8], blk[:])
			copy(a[r-8:r], blk[:])
			l += nl
			r -= 8 - nl
		}
	}
}

// packTable4[i] lists, as the two words of each pair, the set bits of i
// (0 to 15) in increasing order, then the others: the VPERMD indices that
// pack four gradient pairs.
var packTable4 = func() (t [16][8]uint32) {
	for i := range t {
		k := 0
		for _, set := range []bool{true, false} {
			for b := range 4 {
				if (i>>b&1 != 0) == set {
					t[i][k], t[i][k+1] = uint32(2*b), uint32(2*b+1)
					k += 2
				}
			}
		}
	}
	return t
}()
