// Package ownerlock is an OS file lock (github.com/gofrs/flock) held for
// as long as a process needs it, that says who holds it. The system
// releases the lock when its holder ends, however it ends (SIGKILL and
// power cuts included), so a lock found free means its holder is gone:
// no PID check is needed, and a PID reused by a later process cannot
// pass for the holder, on any system.
//
// The lock is taken on <path>; who holds it is written beside it to
// <path>.owner (JSON), because on Windows a locked file cannot be read by
// others. Lock files are never removed: removing one while another
// process opens it would let two processes hold "the" lock.
package ownerlock

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"coupatui/internal/atomicfile"
)

// started is when this process started, near enough: when the package was
// initialised.
var started = time.Now()

// Owner says who holds a lock.
type Owner struct {
	PID     int       `json:"pid"`
	Started time.Time `json:"started"` // when the holding process started
	Host    string    `json:"host,omitempty"`
	What    string    `json:"what,omitempty"` // what the holder is doing, e.g. "run of /data/pos.xlsx"
}

func (o Owner) String() string {
	s := fmt.Sprintf("pid %d, started %s", o.PID, o.Started.Local().Format("2006-01-02 15:04:05"))
	if h, _ := os.Hostname(); o.Host != "" && o.Host != h {
		s += " on " + o.Host
	}
	return s
}

// HeldError is the error Acquire returns when another holder has the lock.
type HeldError struct {
	Path  string
	Owner Owner // zero when the holder has not said who it is yet
}

func (e *HeldError) Error() string {
	if e.Owner.PID == 0 {
		return fmt.Sprintf("%s is locked by another process (it has not said which yet)", e.Path)
	}
	return fmt.Sprintf("%s is locked by another process (%s)", e.Path, e.Owner)
}

// ErrHeld matches every *HeldError with errors.Is.
var ErrHeld = errors.New("lock held by another process")

func (e *HeldError) Is(target error) bool { return target == ErrHeld }

// Lock is one held lock.
type Lock struct {
	path string
	fl   *flock.Flock
}

// Acquire takes the lock at path without waiting, creating its folder
// (0700) and file (0600) when needed, and records this process as its
// holder, doing what. It returns a *HeldError naming the holder when
// another process (or another Lock of this process) has it.
func Acquire(path, what string) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	fl := flock.New(path, flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		o, _ := ReadOwner(path)
		return nil, &HeldError{Path: path, Owner: o}
	}
	host, _ := os.Hostname()
	data, _ := json.Marshal(Owner{PID: os.Getpid(), Started: started.UTC(), Host: host, What: what})
	if err := atomicfile.WriteFile(path+".owner", append(data, '\n'), 0o600); err != nil {
		fl.Unlock()
		return nil, fmt.Errorf("lock %s: recording its holder: %w", path, err)
	}
	return &Lock{path: path, fl: fl}, nil
}

// Hold takes the lock on an existing file without waiting and without
// recording a holder beside it: for files that say who made them in their
// own content (a profile clone's coupatui.lock). It returns a *HeldError
// when another holder has it.
func Hold(path string) (*Lock, error) {
	fl := flock.New(path, flock.SetFlag(os.O_RDONLY), flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return nil, &HeldError{Path: path}
	}
	return &Lock{path: path, fl: fl}, nil
}

// Path is the lock file's name.
func (l *Lock) Path() string { return l.path }

// Release gives the lock up; its files stay. It is safe to call twice.
func (l *Lock) Release() error {
	if l == nil || !l.fl.Locked() {
		return nil
	}
	if err := l.fl.Unlock(); err != nil {
		return fmt.Errorf("unlock %s: %w", l.path, err)
	}
	return l.fl.Close()
}

// Held reports whether some live process holds the lock at path, and who
// says it does. A missing lock file is free.
func Held(path string) (bool, Owner, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, Owner{}, nil
	}
	fl := flock.New(path, flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	if err != nil {
		return false, Owner{}, fmt.Errorf("lock %s: %w", path, err)
	}
	if ok {
		fl.Unlock()
		fl.Close()
		return false, Owner{}, nil
	}
	o, _ := ReadOwner(path)
	return true, o, nil
}

// ReadOwner reads who last took the lock at path.
func ReadOwner(path string) (Owner, error) {
	var o Owner
	data, err := os.ReadFile(path + ".owner")
	if err != nil {
		return o, err
	}
	err = json.Unmarshal(data, &o)
	return o, err
}
