package coupa

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"coupatui/vocab"
)

// Folder names: one folder per PO, "PO<id>__WORK" while in flight,
// "PO<id>_<STATUS>" when done.
const (
	workSuffix      = "__WORK"
	unknownSupplier = "_unknown_supplier"
)

// parentDir is where a PO's folder lives: Root for the flat layout, else
// Root/<hierarchy levels> or Root/<supplier>. Every level is sanitised like
// a file name, so no level can climb out of Root.
func (s *Site) parentDir(job Job, supplier string) string {
	if s.Layout == vocab.LayoutFlat {
		return s.Root
	}
	if len(job.Hierarchy) > 0 {
		parts := []string{s.Root}
		for _, level := range job.Hierarchy {
			name := SanitizeFileName(level)
			if name == "" {
				name = "_"
			}
			parts = append(parts, name)
		}
		return filepath.Join(parts...)
	}
	name := SanitizeFileName(supplier)
	if name == "" {
		name = unknownSupplier
	}
	return filepath.Join(s.Root, name)
}

// poFolder is one PO's folder while Process works on it.
type poFolder struct {
	parent string
	po     string
	work   string // the __WORK folder, "" until prepared
}

func workName(po string) string                   { return "PO" + po + workSuffix }
func finalName(po string, st vocab.Status) string { return "PO" + po + "_" + string(st) }

// isFolderOf reports whether name is one of po's folders (work or final).
func isFolderOf(name, po string) bool {
	rest, ok := strings.CutPrefix(name, "PO"+po+"_")
	if !ok {
		return false
	}
	return rest == "_WORK" || slices.Contains(vocab.Statuses, vocab.Status(rest))
}

// prepare makes (or takes back) the PO's __WORK folder: an existing folder
// of this PO (an earlier PARTIAL, FAILED, ... or a WORK left by a crash) is
// renamed back, so its complete files are kept and the download skips them;
// several are merged.
func (f *poFolder) prepare() error {
	if err := os.MkdirAll(f.parent, 0o755); err != nil {
		return fmt.Errorf("folder for PO %s: %w", f.po, err)
	}
	work := filepath.Join(f.parent, workName(f.po))
	entries, err := os.ReadDir(f.parent)
	if err != nil {
		return fmt.Errorf("folder for PO %s: %w", f.po, err)
	}
	for _, e := range entries {
		if !e.IsDir() || !isFolderOf(e.Name(), f.po) || e.Name() == workName(f.po) {
			continue
		}
		old := filepath.Join(f.parent, e.Name())
		if err := os.Rename(old, work); err != nil {
			// WORK exists (or several finals do): merge into it.
			if err := mergeInto(old, work, false); err != nil {
				return fmt.Errorf("reuse folder %s: %w", old, err)
			}
		}
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return fmt.Errorf("folder for PO %s: %w", f.po, err)
	}
	f.work = work
	return nil
}

// finish renames the work folder to PO<id>_<STATUS> (merging into an
// existing one) and returns its path; an empty work folder is removed and
// "" returned: a PO that wrote nothing leaves no folder.
func (f *poFolder) finish(st vocab.Status) (string, error) {
	if f.work == "" {
		return "", nil
	}
	if empty, err := isEmptyDir(f.work); err == nil && empty {
		return "", os.Remove(f.work)
	}
	final := filepath.Join(f.parent, finalName(f.po, st))
	if err := os.Rename(f.work, final); err != nil {
		if !errors.Is(err, fs.ErrExist) && !isNotEmpty(err) {
			return f.work, fmt.Errorf("rename %s: %w", f.work, err)
		}
		if err := mergeInto(f.work, final, true); err != nil {
			return f.work, fmt.Errorf("merge %s into %s: %w", f.work, final, err)
		}
	}
	return final, nil
}

// mergeInto moves the files of src into dst (created when missing) and
// removes src. When both hold a name, overwrite decides whose copy stays.
func mergeInto(src, dst string, overwrite bool) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		if _, err := os.Lstat(to); err == nil && !overwrite {
			continue
		}
		if e.IsDir() {
			os.RemoveAll(to)
		}
		if err := os.Rename(from, to); err != nil {
			return err
		}
	}
	return os.RemoveAll(src)
}

func isEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	return len(entries) == 0, nil
}

// isNotEmpty reports the error rename gives on Unix when the target is a
// non-empty directory.
func isNotEmpty(err error) bool {
	var le *os.LinkError
	return errors.As(err, &le) && (strings.Contains(le.Err.Error(), "not empty") || strings.Contains(le.Err.Error(), "exists"))
}
