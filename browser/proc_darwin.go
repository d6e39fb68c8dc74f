//go:build darwin

package browser

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// setParentDeathSignal does nothing: macOS has no parent-death signal. A
// browser survives a crash of this program; the pool kills browsers on
// shutdown, and SweepProfile at the next start kills any stale one.
func setParentDeathSignal(attr *syscall.SysProcAttr) {}

// checkDisplay does nothing: macOS always has a window server for a user
// session.
func checkDisplay() error { return nil }

// profileProcesses lists the processes whose command line holds
// --user-data-dir=dir. macOS has no /proc, so it asks ps.
func profileProcesses(dir string) ([]int, error) {
	out, err := exec.Command("ps", "-ax", "-o", "pid=,command=").Output()
	if err != nil {
		return nil, fmt.Errorf("listing processes: %w", err)
	}
	want := "--user-data-dir=" + dir
	self := os.Getpid()
	var pids []int
	for line := range strings.SplitSeq(string(out), "\n") {
		pidText, command, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == self {
			continue
		}
		// Arguments are joined by spaces: match a whole argument.
		if strings.Contains(command+" ", want+" ") {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// isZombie cannot be told cheaply on macOS; a zombie answers kill(0) until
// reaped, which the chromedp allocator does promptly.
func isZombie(pid int) bool { return false }
