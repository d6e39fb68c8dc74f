//go:build !linux && !darwin && !windows

package browser

import (
	"os"
	"os/exec"
	"syscall"
)

// Other systems (the BSDs, ...) are not supported targets: Kill ends the
// main browser process only and no helper sweep is done.

func startOwnGroup(cmd *exec.Cmd) {}

func killGroup(pid int) error {
	if pid <= 0 {
		return nil
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil
	}
	return p.Kill()
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}

func checkDisplay() error { return nil }

func profileProcesses(dir string) ([]int, error) { return nil, nil }

func killPID(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
