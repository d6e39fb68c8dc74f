package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteFileReplacesPrivately(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("content %q, want new", b)
	}
	if st, err := os.Stat(path); err != nil || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o600) {
		t.Fatalf("stat: %v, %v; want mode 0600", st, err)
	}
	onlyEntry(t, path)
}

// A failed replace leaves the target as it was and no temporary file.
func TestWriteFileFailureLeavesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub") // a non-empty folder: the rename fails
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), 0o600); err == nil {
		t.Fatal("replacing a non-empty folder succeeded")
	}
	onlyEntry(t, path)
}

// onlyEntry fails t unless path is all its folder holds.
func onlyEntry(t *testing.T, path string) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil || len(ents) != 1 || ents[0].Name() != filepath.Base(path) {
		t.Fatalf("folder holds %v (%v), want only %s", ents, err, filepath.Base(path))
	}
}
