//go:build !linux

package gbdt

import "unsafe"

// adviseHuge does nothing here: huge pages are asked for on linux only.
func adviseHuge(unsafe.Pointer, int) {}
