//go:build windows

package browser

import "os"

// On Windows the equivalent of a process group plus a parent-death signal is
// a job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: every helper joins
// the job and dies with it. It is NOT implemented yet: Kill and Close end the
// main browser process, and Chrome's helpers exit when their parent's pipes
// close; a crash of this program can leave a browser running until the next
// start. TODO(windows): assign the browser to a kill-on-close job object.

// processAlive: FindProcess opens a handle, which fails once the process
// is gone.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
