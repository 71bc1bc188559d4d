package gbdt

import (
	"testing"
	"unsafe"
)

// TestHugePairs checks the gradient pairs' array: n pairs and no more,
// starting on a 2 MB boundary from 2 MB up.
func TestHugePairs(t *testing.T) {
	for _, n := range []int{0, 1, hugePage/8 - 1, hugePage / 8, 1_000_000} {
		gh := hugePairs(n)
		if len(gh) != n || cap(gh) != n {
			t.Fatalf("n=%d: len %d, cap %d", n, len(gh), cap(gh))
		}
		if n*8 >= hugePage && uintptr(unsafe.Pointer(&gh[0]))%hugePage != 0 {
			t.Errorf("n=%d: starts %d bytes past a 2 MB boundary", n, uintptr(unsafe.Pointer(&gh[0]))%hugePage)
		}
		for i := range gh {
			gh[i] = gradPair{float32(i), 1}
		}
	}
}
