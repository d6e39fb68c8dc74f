package diskfull

import (
	"errors"
	"syscall"
)

// Windows reports a full disk as ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL.
func isOS(err error) bool {
	return errors.Is(err, syscall.Errno(112)) || errors.Is(err, syscall.Errno(39))
}

// Available cannot be told here without more system calls; callers then
// rely on the error the write itself returns.
func Available(string) (uint64, bool) { return 0, false }
