package profiles

import (
	"errors"

	"golang.org/x/sys/windows"
)

// procIdentity reports whether the process pid runs. No start time is read
// on Windows, so a reused PID reads as the old owner, alive: a clone is then
// kept, never removed wrongly.
func procIdentity(pid int) (alive bool, start uint64) {
	if pid <= 0 {
		return false, 0
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		// Access denied means the process exists and belongs to someone else.
		return errors.Is(err, windows.ERROR_ACCESS_DENIED), 0
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return true, 0
	}
	const stillActive = 259
	return code == stillActive, 0
}

func bootID() string { return "" }
