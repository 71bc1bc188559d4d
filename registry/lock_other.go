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
