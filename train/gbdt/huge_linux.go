package gbdt

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of a transparent huge page on linux/amd64 and
// arm64 (4 KB base pages).
const hugePage = 2 << 20

// adviseHuge asks the kernel to back the whole 2 MB pages inside the n
// bytes at p with huge pages (MADV_HUGEPAGE, then MADV_COLLAPSE for the
// pages already touched), for arrays read at random, whose reads would
// otherwise miss the TLB: the gradient pairs that each histogram pass
// gathers by row. It is a hint: errors (an older kernel, THP disabled)
// are ignored, and the memory stays the Go heap's.
func adviseHuge(p unsafe.Pointer, n int) {
	lo := (uintptr(p) + hugePage - 1) &^ (hugePage - 1)
	hi := (uintptr(p) + uintptr(n)) &^ (hugePage - 1)
	if hi <= lo {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(p, lo-uintptr(p))), hi-lo)
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
	_ = unix.Madvise(b, unix.MADV_COLLAPSE)
}
