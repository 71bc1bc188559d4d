//go:build !unix

package registry

import (
	"errors"
	"os"
	"strconv"
)

func lockFile(*os.File) error {
	return errors.New("registry: the filesystem store needs flock(2), available on unix systems only")
}

func unlockFile(*os.File) error { return nil }

func fileStamp(fi os.FileInfo) string {
	return strconv.FormatInt(fi.ModTime().UnixNano(), 36) + "." + strconv.FormatInt(fi.Size(), 36)
}
