package monitor

import (
	"context"
	"maps"
	"sync"
	"time"
)

// fakeSampler returns scripted used ratios, one per call (the last one
// repeats), and records the trees it was asked for.
type fakeSampler struct {
	mu     sync.Mutex
	ratios []float64
	errs   map[int]error // call number (0-based) → error to return
	calls  int
	trees  []map[int]int
}

func (f *fakeSampler) Sample(_ context.Context, trees map[int]int) (Sample, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	call := f.calls
	f.calls++
	f.trees = append(f.trees, maps.Clone(trees))
	if err := f.errs[call]; err != nil {
		return Sample{}, err
	}
	r := 0.0
	if len(f.ratios) > 0 {
		r = f.ratios[min(call, len(f.ratios)-1)]
	}
	out := make(map[int]ProcTree, len(trees))
	for id, pid := range trees {
		out[id] = ProcTree{PID: pid, Procs: 1, Bytes: 1 << 20, Kind: KindPSS}
	}
	return Sample{UsedRatio: r, TotalBytes: 1 << 30, AvailableBytes: uint64((1 - r) * (1 << 30)), Trees: out}, nil
}

func (f *fakeSampler) lastTrees() map[int]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.trees[len(f.trees)-1]
}

// manualClock is a clock a single test goroutine moves by hand.
type manualClock struct{ t time.Time }

func (c *manualClock) now() time.Time          { return c.t }
func (c *manualClock) advance(d time.Duration) { c.t = c.t.Add(d) }
