package profiles

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// writeTree creates files under dir from relative path to content, with
// mode 0644 and folders 0755, wider than a clone may have.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// listTree returns the regular files under dir as slash paths relative to it.
func listTree(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// newTestManager makes a Manager on a fresh base and clones dir.
func newTestManager(t testing.TB, opts Options) *Manager {
	t.Helper()
	root := t.TempDir()
	if opts.Base == "" {
		opts.Base = filepath.Join(root, "base")
		if err := os.Mkdir(opts.Base, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if opts.ClonesDir == "" {
		opts.ClonesDir = filepath.Join(root, "clones")
	}
	m, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.RemoveAll(); err != nil {
			t.Error(err)
		}
	})
	return m
}
