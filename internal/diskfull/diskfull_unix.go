//go:build unix

package diskfull

import (
	"errors"
	"syscall"
)

// isOS matches a full quota, which is a full disk for the user.
func isOS(err error) bool { return errors.Is(err, syscall.EDQUOT) }
