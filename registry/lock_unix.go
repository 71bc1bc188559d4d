//go:build unix

package registry

import (
	"os"
	"strconv"
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

// fileStamp identifies one version of a file: a rename over it changes the
// inode, the change time or the size.
func fileStamp(fi os.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return strconv.FormatUint(uint64(st.Ino), 36) + "." +
			strconv.FormatInt(fi.ModTime().UnixNano(), 36) + "." +
			strconv.FormatInt(fi.Size(), 36)
	}
	return strconv.FormatInt(fi.ModTime().UnixNano(), 36) + "." + strconv.FormatInt(fi.Size(), 36)
}
