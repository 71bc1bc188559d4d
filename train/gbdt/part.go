package gbdt

import (
	"math/bits"
	"unsafe"
)

// The partition of a node's positions. Each split reorders, the same way,
// the node's range of the rows array and of each group's words: the rows
// going left first. It runs in place, unstably, eight words at a time
// from both ends, as vectorised quicksorts partition: two blocks of eight
// are read ahead, so that each step has eight free words on either side;
// a step reads the next block from the side with less room, and writes
// the block's left words (in order) at the left frontier and its right
// words (in order) so that they end at the right frontier. Every word is
// read once and written once, against a stable partition's copy of one
// side through a scratch array and back, which moved half as many bytes
// again: the partition of a million rows is bound by memory, not by
// instructions. The order is a function of the marks alone, the same for
// every array and every number of workers.

// partState is the progress of a partition: the left words are at
// [0, l), the right ones at [r, len), the words not yet read at
// [readL, readR), and the rest, the two blocks read ahead and the free
// words, between them.
type partState struct{ l, r, readL, readR int }

// partStep is one step of a partition plan: the position of the block
// of eight words it reads, and the left frontier l before it (the right
// one is then l + m - 8k at step k).
type partStep struct{ at, l uint32 }

// partPlan is the schedule of partitionInPlace for one set of marks,
// shared by every array partitioned by them. Which side a step reads
// from depends on the counts of the steps before: a chain of dependent
// instructions and loads that, inside the pass over an array, kept the
// reads of the array from running ahead (one block at a time from
// memory). Planned once in a pass over the marks alone, each array's
// pass reads addresses it knows in advance.
type partPlan struct {
	steps []partStep
	end   partState // after the steps
}

// plan makes the plan of the marks of a node (len(marks) positions) in
// pl, reusing its memory.
func (pl *partPlan) plan(marks []uint8) {
	m := len(marks)
	pl.steps = pl.steps[:0]
	if m < 16 {
		return
	}
	l, r, readL, readR := 0, m, 8, m-8
	for readR-readL >= 8 {
		at := readL
		if readL-l <= r-readR {
			readL += 8
		} else {
			readR -= 8
			at = readR
		}
		pl.steps = append(pl.steps, partStep{uint32(at), uint32(l)})
		// Marks are 0xFF or 0: eight set bits a left word.
		_ = marks[at+7]
		nl := bits.OnesCount64(*(*uint64)(unsafe.Pointer(&marks[at]))) >> 3
		l += nl
		r -= 8 - nl
	}
	pl.end = partState{l, r, readL, readR}
}

// apply reorders a (len(marks) words) by the marks pl was planned for,
// the left words first, in the order described above.
func (pl *partPlan) apply(a []uint32, marks []uint8) {
	m := len(marks)
	a = a[:m]
	if m < 16 {
		var buf [16]uint32
		copy(buf[:], a)
		placeBlocks(a, buf[:m], marks)
		return
	}
	// The two blocks read ahead: positions [0, 8) and [m-8, m).
	var buf [24]uint32
	copy(buf[:8], a[:8])
	var last [8]uint32
	copy(last[:], a[m-8:])
	if useAVX2 && len(pl.steps) > 0 {
		partSteps(&a[0], &marks[0], &pl.steps[0], len(pl.steps), m, &packTable)
	} else {
		partStepsGo(a, marks, pl.steps)
	}
	// Left: the blocks read ahead and the fewer than 8 words not read,
	// between the frontiers, in position order.
	st := pl.end
	var bm [24]uint8
	copy(bm[:], marks[:8])
	k := 8 + copy(bm[8:], marks[st.readL:st.readR])
	copy(bm[k:], marks[m-8:])
	copy(buf[8:], a[st.readL:st.readR])
	copy(buf[k:], last[:])
	placeBlocks(a[st.l:st.r], buf[:k+8], bm[:k+8])
}

// placeBlocks writes words (with their marks) to a, the left ones in
// order then the right ones in order.
func placeBlocks(a []uint32, words []uint32, marks []uint8) {
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

// partStepsGo is the portable partSteps: the planned steps over a.
func partStepsGo(a []uint32, marks []uint8, steps []partStep) {
	var blk [8]uint32
	right := len(a) // r - l at step k: m - 8k
	for _, st := range steps {
		at, l := int(st.at), int(st.l)
		r := l + right
		right -= 8
		nl := 0
		for j := range 8 {
			nl += int(marks[at+j] & 1)
		}
		// The block's words as the kernel's permutation orders them:
		// the left ones, then the right ones, each in order.
		i, k := 0, nl
		for j := range 8 {
			if marks[at+j] != 0 {
				blk[i] = a[at+j]
				i++
			} else {
				blk[k] = a[at+j]
				k++
			}
		}
		copy(a[l:l+8], blk[:])
		copy(a[r-8:r], blk[:])
	}
}

// partitionInPlace partitions each array of as by marks with one plan;
// for tests.
func partitionInPlace(as [][]uint32, marks []uint8) {
	var pl partPlan
	pl.plan(marks)
	for _, a := range as {
		pl.apply(a, marks)
	}
}
