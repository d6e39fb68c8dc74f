//go:build !unix

package testkit

import (
	"testing"
	"time"
)

// CPUTime is 0 here: only Unix reports a process's CPU time to Go.
func CPUTime(testing.TB) time.Duration { return 0 }
