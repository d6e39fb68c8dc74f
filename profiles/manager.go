package profiles

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Manager makes clones of one base profile. Its methods are safe to call
// from several goroutines at once: the fields above mu are set by New and
// read-only after; mu guards clones.
type Manager struct {
	base      string // absolute; read, never written
	clonesDir string // absolute
	maxBytes  int64  // 0 = no cap
	log       *slog.Logger
	sem       chan struct{} // bounds file copies in flight across all clones

	mu     sync.Mutex          // guards clones
	clones map[*Clone]struct{} // clones made here and not removed yet
}

// New checks the options and returns a Manager. It touches no file.
func New(opts Options) (*Manager, error) {
	if opts.Base == "" || opts.ClonesDir == "" {
		return nil, errors.New("profiles: the base profile and the clones folder must both be named")
	}
	base, err := filepath.Abs(opts.Base)
	if err != nil {
		return nil, fmt.Errorf("profiles: base profile %q: %w", opts.Base, err)
	}
	clonesDir, err := filepath.Abs(opts.ClonesDir)
	if err != nil {
		return nil, fmt.Errorf("profiles: clones dir %q: %w", opts.ClonesDir, err)
	}
	if within(clonesDir, base) || within(base, clonesDir) {
		return nil, fmt.Errorf("profiles: the clones dir %s and the base profile %s must not hold one another", clonesDir, base)
	}
	if opts.MaxSizeMB < 0 {
		return nil, fmt.Errorf("profiles: max profile size %d MB: want 0 (no cap) or more", opts.MaxSizeMB)
	}
	n := opts.Concurrency
	if n <= 0 {
		n = 4
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Manager{
		base:      base,
		clonesDir: clonesDir,
		maxBytes:  int64(opts.MaxSizeMB) << 20,
		log:       log,
		sem:       make(chan struct{}, n),
		clones:    map[*Clone]struct{}{},
	}, nil
}

// within reports whether path is dir or lies inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Base is the base profile folder.
func (m *Manager) Base() string { return m.base }

// ClonesDir is the folder that holds the clones.
func (m *Manager) ClonesDir() string { return m.clonesDir }

// EnsureBase creates the base profile folder (mode 0700) if it is missing,
// for `coupatui login` to sign in with.
func (m *Manager) EnsureBase() error {
	if err := os.MkdirAll(m.base, 0o700); err != nil {
		return fmt.Errorf("creating base profile %s: %w", m.base, err)
	}
	return nil
}

// BaseInUse reports whether a running browser holds the base profile, and
// its PID when the system says (Chromium's SingletonLock link on Linux and
// macOS; Windows names no PID).
func (m *Manager) BaseInUse() (pid int, inUse bool) { return baseHolder(m.base) }

// checkBase fails when the base profile cannot be cloned now.
func (m *Manager) checkBase() error {
	info, err := os.Stat(m.base)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the base profile %s does not exist: run `coupatui login` to sign in: %w", m.base, err)
	}
	if err != nil {
		return fmt.Errorf("reading base profile %s: %w", m.base, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("the base profile %s is not a folder", m.base)
	}
	if pid, inUse := baseHolder(m.base); inUse {
		return &BaseInUseError{Dir: m.base, PID: pid}
	}
	return nil
}
