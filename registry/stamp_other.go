//go:build !linux

package registry

import "os"

// fileStamp identifies one version of the file at path by its modification
// time (for head.json, the generation) and size.
func fileStamp(path string) (uint64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return mixStamp(0, uint64(fi.ModTime().UnixNano()), 0, uint64(fi.Size())), nil
}
