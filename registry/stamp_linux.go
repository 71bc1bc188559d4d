package registry

import (
	"os"
	"syscall"
)

// fileStamp identifies one version of the file at path by its inode, its
// modification time (for head.json, the generation), its change time and
// size. It makes one stat(2) call.
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
	return mixStamp(uint64(st.Ino), uint64(st.Mtim.Sec)*1e9+uint64(st.Mtim.Nsec),
		uint64(st.Ctim.Sec)*1e9+uint64(st.Ctim.Nsec), uint64(st.Size)), nil
}
