package run

import (
	"runtime/debug"
	"runtime/metrics"
	"time"

	"coupatui/pool"
)

const (
	// burstPOs is the bulk submit from which the memory its events held is
	// worth giving back at once.
	burstPOs = 10_000
	// giveBackEvery is how often a run looks for other memory to return.
	giveBackEvery = 5 * time.Second
	// giveBackAbove is the unused heap worth a collection to return. The
	// console's frames make ~0.5 MB/s of garbage with 100,000 POs queued
	// (a 23 MB live heap): 4 MB keeps its RSS near --no-tui's for a
	// collection every ~10 s (~10 ms each).
	giveBackAbove = 4 << 20
)

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

// heapUse reads the heap held by objects (live, or dead and not yet
// collected), the live heap the last collection found, and the heap that
// is free but still held from the system.
func heapUse() (objects, live, free uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(s)
	for i := range s {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0, 0, 0
		}
	}
	return s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64()
}

// giveBackFreeMemory returns unused heap to the system, looking every
// interval (giveBackEvery in a run), when more than giveBackAbove was
// allocated since the last collection or is free but still held. Go
// collects when the heap doubles and its scavenger keeps free pages up to
// that goal, so a console with 100,000 POs queued held ~16 MB more than it
// used. Each look that acts costs a collection (~10 ms with 100,000 POs
// queued); an idle run's looks cost nothing. The function it returns stops
// the loop and waits for it.
func giveBackFreeMemory(every time.Duration) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				if objects, live, free := heapUse(); objects > live+giveBackAbove || free > giveBackAbove {
					debug.FreeOSMemory()
				}
			case <-quit:
				return
			}
		}
	}()
	return func() { close(quit); <-done }
}
