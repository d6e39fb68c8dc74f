package run

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"coupatui/internal/testkit"
)

var live, dropped [][]byte

// With a large live heap (a queue of many POs), memory allocated and
// dropped as a run goes on (a console's frames) is collected and returned
// at the next look, not held until the heap doubles.
func TestGiveBackFreeMemoryReturnsGarbage(t *testing.T) {
	forced := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	for range 48 {
		live = append(live, make([]byte, 1<<20))
	}
	defer func() { live = nil }()
	runtime.GC() // the next collection comes once the heap doubles
	stop := giveBackFreeMemory(20 * time.Millisecond)
	defer stop()
	time.Sleep(100 * time.Millisecond) // looks that find nothing to do
	before := forced()
	for range 24 {
		dropped = [][]byte{make([]byte, 1<<20)} // the one before is garbage
	}
	dropped = nil
	testkit.WaitFor(t, "a collection that returns the 24 MB dropped", 5*time.Second, func() bool { return forced() > before })
}
