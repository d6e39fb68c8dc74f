//go:build !linux && !darwin

package browser

import (
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

// Systems without Unix process groups (Windows, and the BSDs, which are not
// supported targets): Kill ends the main browser process only, and no
// helper sweep is done.
//
// On Windows the equivalent of a process group plus a parent-death signal is
// a job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: every helper joins
// the job and dies with it. It is NOT implemented yet: Kill and Close end the
// main browser process, and Chrome's helpers exit when their parent's pipes
// close; a crash of this program can leave a browser running until the next
// start. TODO(windows): assign the browser to a kill-on-close job object.

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

// processAlive says whether pid runs. On Windows FindProcess opens a
// handle, which fails once the process is gone (Signal(0) is not
// supported there); elsewhere signal 0 asks the kernel.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer p.Release()
	return runtime.GOOS == "windows" || p.Signal(syscall.Signal(0)) == nil
}
