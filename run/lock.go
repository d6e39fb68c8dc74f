package run

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"coupatui/internal/ownerlock"
)

// lockInput takes the lock of one input file, held for the run's life: a
// second coupatui on the same input stops at once, naming the first. The
// lock lives beside the journal, named for the input's absolute path.
func lockInput(journalPath, absInput, what string) (*ownerlock.Lock, error) {
	sum := sha256.Sum256([]byte(absInput))
	path := filepath.Join(filepath.Dir(journalPath), "locks", "input-"+hex.EncodeToString(sum[:8])+".lock")
	l, err := ownerlock.Acquire(path, what)
	if held, ok := errors.AsType[*ownerlock.HeldError](err); ok {
		return nil, fmt.Errorf("another coupatui is already working on %s (%s): wait for it to finish or stop it, then run this again",
			absInput, ownerWords(held.Owner))
	}
	if err != nil {
		return nil, fmt.Errorf("locking input %s: %w", absInput, err)
	}
	return l, nil
}

// lockRoot takes the lock of a download folder, held for the run's life:
// two runs writing into one folder would sweep each other's partial
// files. The lock is a hidden file in the folder itself, so runs of other
// users and machines sharing it see it too.
func lockRoot(root, what string) (*ownerlock.Lock, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("download folder %s: %w", root, err)
	}
	l, err := ownerlock.Acquire(filepath.Join(root, ".coupatui.lock"), what)
	if held, ok := errors.AsType[*ownerlock.HeldError](err); ok {
		doing := ""
		if held.Owner.What != "" {
			doing = ", " + held.Owner.What
		}
		return nil, fmt.Errorf("another coupatui is already downloading into %s (%s%s): wait for it to finish, or pass --out with another folder",
			root, ownerWords(held.Owner), doing)
	}
	if err != nil {
		return nil, fmt.Errorf("locking download folder %s: %w", root, err)
	}
	return l, nil
}

func ownerWords(o ownerlock.Owner) string {
	if o.PID == 0 {
		return "it is starting"
	}
	return o.String()
}
