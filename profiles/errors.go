package profiles

import (
	"errors"
	"fmt"
)

// ErrBaseInUse is what BaseInUseError matches with errors.Is.
var ErrBaseInUse = errors.New("base profile in use")

// BaseInUseError means a running browser holds the base profile, so copying
// its databases now could copy them half written.
type BaseInUseError struct {
	Dir string // the base profile
	PID int    // the browser holding it; 0 when the system does not say
}

func (e *BaseInUseError) Error() string {
	held := "is open in a browser"
	if e.PID > 0 {
		held = fmt.Sprintf("is open in a browser (pid %d)", e.PID)
	}
	return fmt.Sprintf("the base profile %s %s: close it, or run `coupatui login` only when no other coupatui/Chromium uses it", e.Dir, held)
}

// Is makes errors.Is(err, ErrBaseInUse) true.
func (e *BaseInUseError) Is(target error) bool { return target == ErrBaseInUse }
