//go:build !unix

package registry

import (
	"errors"
	"os"
)

func lockFile(*os.File) error {
	return errors.New("registry: the filesystem store needs flock(2), available on unix systems only")
}

func unlockFile(*os.File) error { return nil }

func fileStamp(path string) (uint64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return mixStamp(0, uint64(fi.ModTime().UnixNano()), uint64(fi.Size())), nil
}
