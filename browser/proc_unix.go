//go:build linux || darwin

package browser

import (
	"errors"
	"os/exec"
	"syscall"
)

// startOwnGroup makes the browser the leader of a new process group, so Kill
// can signal the browser and every helper it forks in one call.
func startOwnGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = new(syscall.SysProcAttr)
	}
	cmd.SysProcAttr.Setpgid = true
	setParentDeathSignal(cmd.SysProcAttr)
}

// killGroup sends SIGKILL to the process group led by pid. It refuses to
// signal our own group, which would happen if the browser had not become a
// group leader.
func killGroup(pid int) error {
	if pid <= 0 {
		return nil
	}
	pgid, err := syscall.Getpgid(pid)
	if err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return nil // already gone and reaped
		}
		return err
	}
	if pgid != pid || pgid == syscall.Getpgrp() {
		// Not our own group: kill the process alone; the profile sweep
		// finds the helpers.
		return ignoreGone(syscall.Kill(pid, syscall.SIGKILL))
	}
	return ignoreGone(syscall.Kill(-pgid, syscall.SIGKILL))
}

func ignoreGone(err error) error {
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// processAlive reports whether pid names a live process that is not a zombie
// waiting to be reaped.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	return !isZombie(pid)
}

func killPID(pid int) error { return ignoreGone(syscall.Kill(pid, syscall.SIGKILL)) }
