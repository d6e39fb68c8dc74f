//go:build linux || darwin || freebsd

package diskfull

import "syscall"

// Available is the space left for this user in the file system holding
// dir; ok is false when it cannot be told.
func Available(dir string) (bytes uint64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return uint64(st.Bavail) * uint64(st.Bsize), true
}
