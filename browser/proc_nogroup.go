//go:build !linux && !darwin

package browser

import (
	"os"
	"os/exec"
)

// Systems without Unix process groups (Windows, and the BSDs, which are not
// supported targets): Kill ends the main browser process only, and no
// helper sweep is done; see proc_windows.go for what Windows would need.

func startOwnGroup(cmd *exec.Cmd) {}

func killGroup(pid int) error {
	if pid <= 0 || !processAlive(pid) {
		return nil
	}
	return killPID(pid)
}

func checkDisplay() error { return nil }

// profileProcesses cannot list processes by command line here; it reports none.
func profileProcesses(dir string) ([]int, error) { return nil, nil }

func killPID(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
