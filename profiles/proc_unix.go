//go:build unix && !linux

package profiles

import (
	"errors"
	"syscall"
)

// procIdentity reports whether the process pid runs. Outside Linux no start
// time is read, so a reused PID reads as the old owner, alive: a clone is
// then kept, never removed wrongly.
func procIdentity(pid int) (alive bool, start uint64) {
	if pid <= 0 {
		return false, 0
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM), 0
}

func bootID() string { return "" }
