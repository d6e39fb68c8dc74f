package profiles

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"coupatui/internal/ownerlock"
)

// Clone is one worker's private copy of the base profile. Give Dir to the
// browser as its user data dir. Its fields are set before Manager.Clone
// returns and never change after; Remove may be called from any goroutine.
type Clone struct {
	Dir     string   // the clone: a Chromium user data dir
	Worker  int      // the worker it was made for
	Skipped []string // items over the size cap left out, relative to the base
	Bytes   int64    // bytes copied

	m    *Manager
	lock *ownerlock.Lock // held on the clone's lock file for its life
}

// Clone copies the base profile into a new private folder
// <ClonesDir>/worker-<worker>-<pid>-<random> (folders 0700, files 0600),
// leaving out caches, locks, session and tab state, logs and crash dumps,
// and records a crashed last exit so the clone keeps session cookies. It
// refuses, with a *BaseInUseError, while a browser holds the base: copying
// databases being written could copy them half written. On error nothing
// is left on disk.
func (m *Manager) Clone(ctx context.Context, worker int) (*Clone, error) {
	if worker < 0 {
		return nil, fmt.Errorf("cloning the base profile for worker %d: want a worker number of 0 or more", worker)
	}
	if err := m.checkBase(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(m.clonesDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating clones dir %s: %w", m.clonesDir, err)
	}
	me := thisProcess()
	dir, err := os.MkdirTemp(m.clonesDir, fmt.Sprintf("worker-%d-%d-", worker, me.PID))
	if err != nil {
		return nil, fmt.Errorf("creating a clone for worker %d in %s: %w", worker, m.clonesDir, err)
	}
	c := &Clone{Dir: dir, Worker: worker, m: m}
	if err := m.fill(ctx, c, me); err != nil {
		c.lock.Release()
		if rerr := os.RemoveAll(dir); rerr != nil {
			err = errors.Join(err, fmt.Errorf("removing the failed clone %s: %w", dir, rerr))
		}
		return nil, fmt.Errorf("cloning %s for worker %d: %w", m.base, worker, err)
	}
	m.mu.Lock()
	m.clones[c] = struct{}{}
	m.mu.Unlock()
	m.log.Debug("cloned the base profile", "worker", worker, "dir", dir, "bytes", c.Bytes, "skipped", len(c.Skipped))
	return c, nil
}

// fill writes the lock, copies the base into c.Dir and patches preferences.
func (m *Manager) fill(ctx context.Context, c *Clone, me owner) error {
	me.Locked = true
	if err := writeLock(c.Dir, me); err != nil {
		return err
	}
	lock, err := ownerlock.Hold(filepath.Join(c.Dir, lockFileName))
	if err != nil {
		return err
	}
	c.lock = lock
	root, err := scanBase(m.base, m.log)
	if err != nil {
		return err
	}
	p := makePlan(root, m.maxBytes)
	for _, s := range p.skipped {
		m.log.Warn("clone leaves out an item bigger than the profile size cap",
			"item", s.rel, "base", m.base, "size_mb", s.size>>20, "max_profile_size_mb", m.maxBytes>>20)
		c.Skipped = append(c.Skipped, s.rel)
	}
	if c.Bytes, err = copyTree(ctx, m.base, c.Dir, p, m.sem); err != nil {
		return err
	}
	for _, prefs := range preferencesFiles(p) {
		if err := PatchPreferences(filepath.Join(c.Dir, prefs)); err != nil {
			return err
		}
	}
	// A browser that took the base while we copied may have changed files
	// under us; the copy cannot be trusted then.
	if pid, inUse := baseHolder(m.base); inUse {
		return &BaseInUseError{Dir: m.base, PID: pid}
	}
	return nil
}

// preferencesFiles lists the Preferences files of the profiles in a clone:
// Default's always, created if the base has none, and any other profile's
// (Profile 1, ...) the base has.
func preferencesFiles(p plan) []string {
	def := filepath.Join("Default", "Preferences")
	out := []string{def}
	for _, f := range p.files {
		dir, name := filepath.Split(f.rel)
		dir = strings.TrimSuffix(dir, string(filepath.Separator))
		if name == "Preferences" && dir != "" && !strings.ContainsRune(dir, filepath.Separator) && f.rel != def {
			out = append(out, f.rel)
		}
	}
	return out
}

// Remove deletes the clone. Call it after the browser using it has exited.
// Removing twice is not an error.
func (c *Clone) Remove() error {
	if c == nil || c.m == nil {
		return errors.New("profiles: Remove on a clone not made by a Manager")
	}
	m := c.m
	m.mu.Lock()
	_, live := m.clones[c]
	delete(m.clones, c)
	m.mu.Unlock()
	if !live {
		return nil
	}
	c.lock.Release() // Windows cannot remove a file held open
	if err := os.RemoveAll(c.Dir); err != nil {
		m.mu.Lock()
		m.clones[c] = struct{}{} // still on disk; RemoveAll may retry
		m.mu.Unlock()
		return fmt.Errorf("removing clone %s: %w", c.Dir, err)
	}
	return nil
}

// RemoveAll removes every clone this Manager made that is still on disk,
// for a shutdown with profile clean-up. Call it after the browsers exited.
func (m *Manager) RemoveAll() error {
	m.mu.Lock()
	clones := slices.Collect(maps.Keys(m.clones))
	m.mu.Unlock()
	var errs []error
	for _, c := range clones {
		errs = append(errs, c.Remove())
	}
	return errors.Join(errs...)
}
