package gbdt

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of a transparent huge page on linux/amd64 and
// arm64 (4 KB base pages).
const hugePage = 2 << 20

// hugePairs returns n gradient pairs whose memory the kernel is asked to
// back with huge pages, for the array that every histogram pass gathers
// from at random (see grower.build), whose reads would otherwise miss the
// TLB. From 2 MB up the slice starts on a 2 MB boundary and its last page
// is whole (so at most 4 MB more are allocated), and its pages are
// advised (MADV_HUGEPAGE, then MADV_COLLAPSE for pages already touched).
// It is a hint: errors (an older kernel, THP disabled) are ignored, and
// the memory stays the Go heap's.
func hugePairs(n int) []gradPair {
	const size = int(unsafe.Sizeof(gradPair{}))
	if n*size < hugePage {
		return make([]gradPair, n)
	}
	pages := (n*size + hugePage - 1) / hugePage
	buf := make([]gradPair, (pages+1)*hugePage/size)
	p := uintptr(unsafe.Pointer(&buf[0]))
	skip := int((hugePage - p%hugePage) % hugePage / uintptr(size))
	b := unsafe.Slice((*byte)(unsafe.Pointer(&buf[skip])), pages*hugePage)
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
	_ = unix.Madvise(b, unix.MADV_COLLAPSE)
	return buf[skip : skip+n : skip+n]
}
