package profiles

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// lockFileName is the file in each clone that names the process owning it.
const lockFileName = "coupatui.lock"

// owner identifies the process that made a clone, precisely enough to tell
// it from a later process that got the same PID.
type owner struct {
	PID     int       `json:"pid"`
	Start   uint64    `json:"start,omitempty"` // start time in clock ticks after boot (Linux)
	Boot    string    `json:"boot,omitempty"`  // kernel boot ID (Linux)
	Host    string    `json:"host,omitempty"`  // PIDs mean nothing on another host
	Created time.Time `json:"created"`
	// Locked says the owner holds an OS lock on the lock file for the
	// clone's life (internal/ownerlock): the lock found free means the
	// owner is gone, whatever its PID now names.
	Locked bool `json:"locked,omitempty"`
}

var (
	selfOnce sync.Once
	self     owner // this process; set once under selfOnce
)

// thisProcess is the owner record of this process.
func thisProcess() owner {
	selfOnce.Do(func() {
		pid := os.Getpid()
		_, start := procIdentity(pid)
		self = owner{PID: pid, Start: start, Boot: bootID(), Host: hostname()}
	})
	o := self
	o.Created = time.Now().UTC()
	return o
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}

// alive reports whether the owner may still run, and if so why it is
// believed to. When in doubt it says alive: a clone is only removed when
// its owner is certainly gone.
func (o owner) alive() (bool, string) {
	if o.Host != "" && o.Host != hostname() {
		return true, fmt.Sprintf("owned by pid %d on host %s", o.PID, o.Host)
	}
	if o.Boot != "" {
		if b := bootID(); b != "" && b != o.Boot {
			return false, ""
		}
	}
	running, start := procIdentity(o.PID)
	if !running {
		return false, ""
	}
	if o.Start != 0 && start != 0 && o.Start != start {
		return false, "" // the PID was reused by a later process
	}
	return true, fmt.Sprintf("owned by running pid %d", o.PID)
}

// writeLock records o as the owner of the clone dir.
func writeLock(dir string, o owner) error {
	data, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("encoding the owner of clone %s: %w", dir, err)
	}
	path := filepath.Join(dir, lockFileName)
	if err := os.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("writing clone lock %s: %w", path, err)
	}
	return nil
}

// readLock reads the owner of the clone dir.
func readLock(dir string) (owner, error) {
	path := filepath.Join(dir, lockFileName)
	data, err := os.ReadFile(path)
	if err != nil {
		return owner{}, fmt.Errorf("reading clone lock %s: %w", path, err)
	}
	var o owner
	if err := json.Unmarshal(data, &o); err != nil {
		return owner{}, fmt.Errorf("reading clone lock %s: %w", path, err)
	}
	if o.PID <= 0 {
		return owner{}, fmt.Errorf("reading clone lock %s: no owner pid", path)
	}
	return o, nil
}
