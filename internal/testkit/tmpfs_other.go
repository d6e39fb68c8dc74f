//go:build !linux

package testkit

import (
	"os"
	"testing"
)

// Tmpfs skips tb: mounting a small tmpfs is a Linux test.
func Tmpfs(tb testing.TB, size int64) string {
	tb.Skip("a small tmpfs (a disk that fills) is mounted on Linux only")
	return ""
}

// ResizeTmpfs is never reached: Tmpfs skipped.
func ResizeTmpfs(tb testing.TB, dir string, size int64) {}

// ReadOnlyDir returns a folder of mode 0555 (skipping tb as root, whom
// permissions do not stop).
func ReadOnlyDir(tb testing.TB) string {
	tb.Helper()
	if os.Geteuid() == 0 {
		tb.Skip("root writes in any folder; a read-only mount is a Linux test")
	}
	dir := tb.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.Chmod(dir, 0o755) })
	return dir
}
