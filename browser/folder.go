package browser

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tempDirPrefix names the private folders browser-side downloads land in.
const tempDirPrefix = ".coupatui-dl-"

// folder is a download target: every file operation goes through os.Root,
// so no name, however hostile, reaches outside it.
type folder struct {
	dir  string // absolute, cleaned
	root *os.Root
}

func openFolder(dir string) (*folder, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("download folder %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("download folder %q: %w", abs, err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("download folder %q: %w", abs, err)
	}
	return &folder{dir: abs, root: root}, nil
}

func (f *folder) close() { f.root.Close() }

// checkName refuses anything but one plain, visible entry of the folder.
func (f *folder) checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) ||
		strings.HasPrefix(name, ".") || filepath.Base(name) != name {
		return fmt.Errorf("unsafe file name %q", name)
	}
	rel, err := filepath.Rel(f.dir, filepath.Join(f.dir, name))
	if err != nil || rel != name || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("file name %q escapes %s", name, f.dir)
	}
	return nil
}

// completeSize is the size of the regular file name, or -1 when there is
// none.
func (f *folder) completeSize(name string) int64 {
	info, err := f.root.Lstat(name)
	if err != nil || !info.Mode().IsRegular() {
		return -1
	}
	return info.Size()
}

func partName(name string) string { return "." + name + ".part" }

// create opens a fresh temp file for name.
func (f *folder) create(name string) (*os.File, error) {
	if err := f.checkName(name); err != nil {
		return nil, err
	}
	return f.root.OpenFile(partName(name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}

// commit makes a fully written temp file durable and gives it its final
// name (replacing an older file of that name).
func (f *folder) commit(file *os.File, name string) error {
	if err := file.Sync(); err != nil {
		file.Close()
		return fmt.Errorf("sync %s: %w", name, err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, err)
	}
	return f.rename(partName(name), name)
}

// rename moves a file of the folder (from may be inside a private temp
// folder) to its final name.
func (f *folder) rename(from, name string) error {
	if err := f.checkName(name); err != nil {
		return err
	}
	if err := f.root.Rename(from, name); err != nil {
		return fmt.Errorf("rename to %s: %w", name, err)
	}
	f.syncDir()
	return nil
}

// syncDir persists the folder's entries (best effort: not every system can
// sync a directory).
func (f *folder) syncDir() {
	if d, err := f.root.Open("."); err == nil {
		d.Sync()
		d.Close()
	}
}

func (f *folder) remove(name string) {
	if err := f.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return
	}
}

// sweep removes temp files and private download folders that a crashed or
// killed run left behind. Only one Download works on a folder at a time.
func (f *folder) sweep() {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, ".") && (strings.HasSuffix(n, ".part") || strings.HasPrefix(n, tempDirPrefix)) {
			f.root.RemoveAll(n)
		}
	}
}

// stagingDir makes a private folder for one browser-side download and
// returns its absolute path. The browser is given this path, and a browser
// whose locale has no UTF-8 (see utf8LocaleEnv) mangles every non-ASCII
// letter in it, so the path is ASCII-only whenever it can be: inside the
// folder when the folder's path is ASCII (the usual case), else in its
// nearest ASCII ancestor (the download root, usually: the same file
// system, so adopt is a rename), else in the system's temp folder. Only
// when none of these is ASCII or writable does it use the folder itself.
func (f *folder) stagingDir() (string, error) {
	var candidates []string
	if isASCII(f.dir) {
		candidates = append(candidates, f.dir)
	} else {
		for p := filepath.Dir(f.dir); ; p = filepath.Dir(p) {
			if isASCII(p) {
				candidates = append(candidates, p)
				break
			}
			if filepath.Dir(p) == p {
				break
			}
		}
		if tmp := os.TempDir(); isASCII(tmp) {
			candidates = append(candidates, tmp)
		}
		candidates = append(candidates, f.dir)
	}
	var errs []error
	for _, c := range candidates {
		d, err := os.MkdirTemp(c, tempDirPrefix)
		if err == nil {
			return d, nil
		}
		errs = append(errs, err)
	}
	return "", fmt.Errorf("download temp folder: %w", errors.Join(errs...))
}

// adopt gives a completed file in a staging folder its final name in the
// folder: a rename on the same file system, a copy through the folder's
// root (then a rename) across file systems.
func (f *folder) adopt(from, name string) error {
	if err := f.checkName(name); err != nil {
		return err
	}
	if rel, err := filepath.Rel(f.dir, from); err == nil && filepath.IsLocal(rel) {
		return f.rename(rel, name)
	}
	if err := os.Rename(from, filepath.Join(f.dir, name)); err == nil {
		f.syncDir()
		return nil
	}
	src, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("move download to %s: %w", name, err)
	}
	defer src.Close()
	dst, err := f.create(name)
	if err != nil {
		return fmt.Errorf("move download to %s: %w", name, err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		f.remove(partName(name))
		return fmt.Errorf("move download to %s: %w", name, err)
	}
	return f.commit(dst, name)
}
