//go:build !windows

package profiles

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// baseHolder reads Chromium's SingletonLock in dir, a symbolic link to
// "<host>-<pid>" that a running browser holds. A lock left by a browser
// that died is not a holder; a lock from another host is, since its PID
// cannot be checked from here.
func baseHolder(dir string) (pid int, inUse bool) {
	target, err := os.Readlink(filepath.Join(dir, "SingletonLock"))
	if err != nil {
		return 0, false
	}
	i := strings.LastIndexByte(target, '-')
	if i < 0 {
		return 0, false
	}
	host := target[:i]
	pid, err = strconv.Atoi(target[i+1:])
	if err != nil || pid <= 0 {
		return 0, false
	}
	if host != hostname() {
		return pid, true
	}
	if running, _ := procIdentity(pid); running {
		return pid, true
	}
	return 0, false
}
