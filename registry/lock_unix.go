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

// fileStamp identifies one version of the file at path: a rename over it
// changes the inode, the change time or the size. It makes one stat(2) call
// and does not allocate beyond the path conversion.
func fileStamp(path string) (uint64, error) {
	var st syscall.Stat_t
	for {
		err := syscall.Stat(path, &st)
		if err == nil {
			break
		}
		if err != syscall.EINTR {
			return 0, &os.PathError{Op: "stat", Path: path, Err: err}
		}
	}
	return mixStamp(uint64(st.Ino), uint64(st.Ctim.Sec)*1e9+uint64(st.Ctim.Nsec), uint64(st.Size)), nil
}
