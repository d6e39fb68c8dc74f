package testkit

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

// Tmpfs mounts a tmpfs of size bytes on a new temp folder and returns the
// folder: a small disk that fills for real (ENOSPC). It needs root; it
// skips tb, saying why, when it is not root or the mount is refused (a
// container without CAP_SYS_ADMIN). The folder is unmounted in Cleanup.
func Tmpfs(tb testing.TB, size int64) string {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("needs root to mount a small tmpfs (a disk that fills)")
	}
	dir := tb.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0755", size)); err != nil {
		tb.Skipf("cannot mount a tmpfs on %s: %v", dir, err)
	}
	tb.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			tb.Errorf("unmount the tmpfs %s: %v", dir, err)
			syscall.Unmount(dir, syscall.MNT_DETACH)
		}
	})
	return dir
}

// ResizeTmpfs gives the tmpfs Tmpfs mounted on dir a new size: the
// operator freeing space.
func ResizeTmpfs(tb testing.TB, dir string, size int64) {
	tb.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT, fmt.Sprintf("size=%d", size)); err != nil {
		tb.Fatalf("resize the tmpfs %s: %v", dir, err)
	}
}

// ReadOnlyDir returns a folder nobody can write in, root included: a
// tmpfs mounted read-only when root (for whom permissions are no bar),
// else a folder of mode 0555. It is removed in Cleanup.
func ReadOnlyDir(tb testing.TB) string {
	tb.Helper()
	if os.Geteuid() != 0 {
		dir := tb.TempDir()
		if err := os.Chmod(dir, 0o555); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { os.Chmod(dir, 0o755) })
		return dir
	}
	dir := Tmpfs(tb, 64<<10)
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		tb.Skipf("cannot make the tmpfs %s read-only: %v", dir, err)
	}
	return dir
}
