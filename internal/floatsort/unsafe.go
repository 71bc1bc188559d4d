package floatsort

import "unsafe"

// keysOf views the memory of x as keys, so that Sorted converts values to
// keys and back in the slice it returns instead of a third one.
func keysOf(x []float64) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}
