package profiles

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"coupatui/internal/ownerlock"
)

// Report says what a clean-up removed and what it left.
type Report struct {
	Count int      // clones removed
	Bytes int64    // bytes freed: the sizes of the files of the removed clones
	Dirs  []string // the removed clones
	Kept  []Kept   // clones left because their owner may still run
}

// Kept is a clone a clean-up left in place.
type Kept struct {
	Dir    string
	PID    int
	Reason string // e.g. "owned by running pid 4242"
}

// cloneName matches worker-<n>-<pid>-<random>, capturing the PID.
var cloneName = regexp.MustCompile(`^worker-[0-9]+-([0-9]+)-[^/\\]+$`)

// Reclaim removes the clones whose owner process is gone (runs that
// crashed or were killed); call it when a run starts. A clone whose owner
// runs, this process included, is never touched.
func (m *Manager) Reclaim() (Report, error) { return m.sweep() }

// Clean is `coupatui profiles clean`: it removes every clone not owned by
// a live process, the same rule as Reclaim, and its Report lists what was
// freed and what was kept and why.
func (m *Manager) Clean() (Report, error) { return m.sweep() }

func (m *Manager) sweep() (Report, error) {
	var rep Report
	items, err := os.ReadDir(m.clonesDir)
	if errors.Is(err, fs.ErrNotExist) {
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("reading clones dir %s: %w", m.clonesDir, err)
	}
	var errs []error
	for _, it := range items {
		match := cloneName.FindStringSubmatch(it.Name())
		if !it.IsDir() || match == nil {
			continue // not ours: leave it
		}
		dir := filepath.Join(m.clonesDir, it.Name())
		pid, _ := strconv.Atoi(match[1])
		if held, _, err := ownerlock.Held(filepath.Join(dir, lockFileName)); err == nil && held {
			rep.Kept = append(rep.Kept, Kept{Dir: dir, PID: pid, Reason: fmt.Sprintf("owned by running pid %d (it holds the clone's lock)", pid)})
			continue
		}
		o, err := readLock(dir)
		switch {
		case err == nil && o.Locked:
			// Its owner held the clone's OS lock, and nobody holds it now:
			// the owner is gone, whatever process its PID names today.
		case err != nil:
			// No readable lock: the clone is being made right now, or its
			// maker died before writing one. The PID in the name tells.
			o = owner{PID: pid}
			fallthrough
		default:
			if alive, why := o.alive(); alive {
				rep.Kept = append(rep.Kept, Kept{Dir: dir, PID: o.PID, Reason: why})
				continue
			}
		}
		size := treeSize(dir)
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, fmt.Errorf("removing stale clone %s: %w", dir, err))
			continue
		}
		rep.Count++
		rep.Bytes += size
		rep.Dirs = append(rep.Dirs, dir)
		m.log.Info("removed a clone whose owner is gone", "dir", dir, "pid", o.PID, "bytes", size)
	}
	return rep, errors.Join(errs...)
}

// treeSize sums the sizes of the regular files under dir; what cannot be
// read counts as nothing.
func treeSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
