//go:build linux

package browser

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// setParentDeathSignal makes the kernel SIGKILL the browser when the thread
// that started it exits (chromedp starts it from a goroutine locked to its
// thread until the browser exits, so in practice: when this program dies).
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}

// checkDisplay fails when a visible browser has no X11 or Wayland display.
func checkDisplay() error {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("a visible browser needs a display, but neither DISPLAY nor WAYLAND_DISPLAY is set; " +
			"run headless, or sign in from a desktop session (or over ssh -X)")
	}
	return nil
}

// profileProcesses lists the processes, other than this one, whose command
// line holds --user-data-dir=dir. Chromium passes that switch to every
// helper it starts, so this finds helpers that left the process group (the
// zygote and its children can) or outlived the browser.
func profileProcesses(dir string) ([]int, error) {
	want := []byte("--user-data-dir=" + dir)
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("listing processes: %w", err)
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue // gone, or not ours to read
		}
		for arg := range bytes.SplitSeq(cmdline, []byte{0}) {
			if bytes.Equal(arg, want) {
				if !isZombie(pid) {
					pids = append(pids, pid)
				}
				break
			}
		}
	}
	return pids, nil
}

// isZombie reports whether pid has exited and waits for its parent to reap it.
func isZombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and may
	// itself hold spaces or parentheses.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) {
		return false
	}
	return stat[i+2] == 'Z' || stat[i+2] == 'X'
}
