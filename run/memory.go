package run

import (
	"runtime/debug"
	"time"

	"coupatui/pool"
)

// burstPOs is the bulk submit from which the memory its events held is
// worth giving back at once.
const burstPOs = 10_000

// freeAfterBurst gives memory back to the system once the subscribers
// have taken a bulk submit's events (one per PO for each of them): with no
// collection after that, the heap's goal stays at the burst's size, and
// with 100,000 POs queued the process keeps ~100 MB it no longer uses. The
// function it returns stops the wait and waits for it.
func freeAfterBurst(pl *pool.Pool, submitted int) (stop func()) {
	if submitted < burstPOs {
		return func() {}
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for pl.Backlog() > 0 {
			select {
			case <-tick.C:
			case <-quit:
				return
			case <-pl.Stopped():
				return
			}
		}
		debug.FreeOSMemory()
	}()
	return func() { close(quit); <-done }
}
