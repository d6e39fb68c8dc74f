package pool

import (
	"errors"
	"syscall"
)

// Windows reports a full disk as ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL.
func isDiskFullOS(err error) bool {
	return errors.Is(err, syscall.Errno(112)) || errors.Is(err, syscall.Errno(39))
}
