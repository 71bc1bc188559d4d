package source

import (
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// poolAllocator is an Arrow allocator that recycles freed buffers by
// power-of-two size class, so that reading batch after batch reuses the
// memory of released batches instead of allocating (and zeroing fresh
// pages) anew. Buffers are zeroed on reuse, as GoAllocator's are, and
// 64-byte aligned (Go aligns power-of-two allocations of 64 bytes and more
// to their size). It is safe for concurrent use.
type poolAllocator struct {
	classes [48]sync.Pool // class c holds *[]byte of capacity 1<<c
}

var _ memory.Allocator = (*poolAllocator)(nil)

const minClass = 6 // 64 bytes

func sizeClass(size int) int {
	return max(minClass, bits.Len(uint(size-1)))
}

// Allocate returns a zeroed buffer of size bytes.
func (a *poolAllocator) Allocate(size int) []byte {
	if size <= 0 {
		return make([]byte, 0, 1<<minClass)
	}
	c := sizeClass(size)
	if c >= len(a.classes) {
		return memory.DefaultAllocator.Allocate(size)
	}
	if p, ok := a.classes[c].Get().(*[]byte); ok {
		b := (*p)[:size]
		clear(b)
		return b
	}
	return make([]byte, size, 1<<c)
}

// Reallocate resizes b to size bytes, keeping its contents; bytes beyond
// the old length are zero.
func (a *poolAllocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := a.Allocate(size)
	copy(nb, b)
	a.Free(b)
	return nb
}

// Free returns b to its size class; buffers not of a class are left to the
// garbage collector.
func (a *poolAllocator) Free(b []byte) {
	c := cap(b)
	if c < 1<<minClass || c&(c-1) != 0 {
		return
	}
	k := bits.TrailingZeros(uint(c))
	if k >= len(a.classes) {
		return
	}
	b = b[:0]
	a.classes[k].Put(&b)
}
