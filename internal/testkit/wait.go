package testkit

import (
	"testing"
	"time"
)

// pollInterval is short: the conditions are cheap to check, and a test
// should go on as soon as its condition holds.
const pollInterval = 10 * time.Millisecond

// WaitFor polls cond until it holds, and fails tb naming what it waited for
// when within passes first. It is for state that offers no signal (a server
// handler noticing a client left, a pool counter); wait on a channel or an
// event wherever there is one.
func WaitFor(tb testing.TB, what string, within time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s waiting for %s", within, what)
			return
		}
		time.Sleep(pollInterval)
	}
}
