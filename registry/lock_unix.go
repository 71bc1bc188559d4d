//go:build unix

package registry

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock(2) on f, blocking until it is free.
// The kernel releases it when the process dies.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
