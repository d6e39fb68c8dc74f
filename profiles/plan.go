package profiles

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

// plan is what one clone copies: folders in creation order (parents first)
// and files, as paths relative to the base.
type plan struct {
	dirs    []string
	files   []planFile
	skipped []planFile // items left out by the size cap
}

type planFile struct {
	rel  string
	size int64
}

// entry is one item of the base profile tree after the skip rules.
type entry struct {
	rel       string
	dir       bool
	size      int64 // the file's size, or the sum over the folder
	essential bool  // is, or holds, something that keeps the clone signed in
	children  []*entry
}

// scanBase reads the base profile tree, leaving out skipped entries, links
// and special files (a link could lead a clone to write into the base).
func scanBase(base string, log *slog.Logger) (*entry, error) {
	root := &entry{dir: true}
	if err := scanDir(base, root, false, log); err != nil {
		return nil, err
	}
	return root, nil
}

// scanDir reads one folder. whole says the folder lies inside an essential
// folder, so everything in it is essential too.
func scanDir(base string, dir *entry, whole bool, log *slog.Logger) error {
	abs := filepath.Join(base, dir.rel)
	items, err := os.ReadDir(abs)
	if err != nil {
		return fmt.Errorf("reading base profile folder %s: %w", abs, err)
	}
	levelDB := false
	for _, it := range items {
		if it.Name() == "CURRENT" && it.Type().IsRegular() {
			levelDB = true
			break
		}
	}
	for _, it := range items {
		name := it.Name()
		if skipEntry(name, levelDB) {
			continue
		}
		rel := filepath.Join(dir.rel, name)
		switch {
		case it.IsDir():
			inner := whole || essentialDirs[name]
			child := &entry{rel: rel, dir: true, essential: inner}
			if err := scanDir(base, child, inner, log); err != nil {
				return err
			}
			dir.add(child)
		case it.Type().IsRegular():
			info, err := it.Info()
			if err != nil {
				return fmt.Errorf("reading base profile file %s: %w", filepath.Join(base, rel), err)
			}
			dir.add(&entry{rel: rel, size: info.Size(), essential: whole || essentialFiles[name]})
		default:
			log.Debug("clone leaves out a link or special file", "item", rel, "type", it.Type().String())
		}
	}
	return nil
}

func (e *entry) add(child *entry) {
	e.children = append(e.children, child)
	e.size += child.size
	e.essential = e.essential || child.essential
}

// makePlan lists what to copy. An item over maxBytes (0 = no cap) that is
// not essential is left out whole; an essential folder over the cap is
// entered and the cap applied to what it holds.
func makePlan(root *entry, maxBytes int64) plan {
	var p plan
	var walk func(e *entry)
	walk = func(e *entry) {
		for _, c := range e.children {
			if maxBytes > 0 && c.size > maxBytes && !c.essential {
				p.skipped = append(p.skipped, planFile{rel: c.rel, size: c.size})
				continue
			}
			if !c.dir {
				p.files = append(p.files, planFile{rel: c.rel, size: c.size})
				continue
			}
			p.dirs = append(p.dirs, c.rel)
			walk(c)
		}
	}
	walk(root)
	return p
}
