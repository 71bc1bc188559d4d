// Package atomicfile writes files so that a reader or a crash sees either the
// old content or the new one, never a mix: the bytes go to a temporary file in
// the same directory, which is synced, renamed over the target, and then the
// directory itself is synced so that the rename survives a power loss.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// WriteFile atomically replaces path with data, using permission perm for a
// new file. When it returns nil, the new content is durable.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	if err := writeTemp(path, data, perm, time.Time{}); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// WriteFileNoDirSync is WriteFile without the final directory sync, for a
// caller that writes several files into one directory and then calls SyncDir
// once.
func WriteFileNoDirSync(path string, data []byte, perm os.FileMode) error {
	return writeTemp(path, data, perm, time.Time{})
}

// WriteFileModTime is WriteFile that also sets the new file's modification
// time to mtime before it becomes visible, so that readers can tell file
// versions apart by it.
func WriteFileModTime(path string, data []byte, perm os.FileMode, mtime time.Time) error {
	if err := writeTemp(path, data, perm, mtime); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

func writeTemp(path string, data []byte, perm os.FileMode, mtime time.Time) (err error) {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if !mtime.IsZero() {
		if err = os.Chtimes(tmp, mtime, mtime); err != nil {
			return err
		}
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	return nil
}

// SyncDir syncs the directory dir, making renames and creations of entries
// in it durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
