package ui

import (
	"time"

	"coupatui/pool"
)

// historyLen is how many one-second samples the console keeps (10 minutes).
const historyLen = 600

// rateWindow is the trailing window POs/min and the ETA are computed over.
const rateWindow = 60

// history keeps one sample per second of what the resources pane plots and
// the header's rate is computed from. Owned by the model (event loop).
type history struct {
	last time.Time // the second of the newest sample; zero before the first
	done []int     // finished tasks, cumulative
	mem  []float64 // memory used %, from the snapshot
	rate []float64 // POs/min over the trailing rateWindow at each sample
}

// sample records snap once per wall-clock second; seconds skipped (a slow
// frame, a suspended terminal) repeat the previous values so rates stay
// per-second.
func (h *history) sample(now time.Time, snap pool.Snapshot) {
	sec := now.Truncate(time.Second)
	if !h.last.IsZero() && !sec.After(h.last) {
		return
	}
	gap := 1
	if !h.last.IsZero() {
		gap = min(historyLen, int(sec.Sub(h.last)/time.Second))
	}
	h.last = sec
	for range gap - 1 {
		h.push(h.lastDone(), h.lastMem())
	}
	h.push(snap.Counts.Done, snap.Resources.UsagePercent)
}

func (h *history) push(done int, mem float64) {
	h.done = appendCapped(h.done, done)
	h.mem = appendCapped(h.mem, mem)
	h.rate = appendCapped(h.rate, h.ratePerMin())
}

func appendCapped[T any](s []T, v T) []T {
	if len(s) == historyLen {
		copy(s, s[1:])
		s = s[:historyLen-1]
	}
	return append(s, v)
}

func (h *history) lastDone() int {
	if len(h.done) == 0 {
		return 0
	}
	return h.done[len(h.done)-1]
}

func (h *history) lastMem() float64 {
	if len(h.mem) == 0 {
		return 0
	}
	return h.mem[len(h.mem)-1]
}

// ratePerMin is POs finished per minute over the trailing window, or over
// what history there is when it is shorter; 0 before two samples.
func (h *history) ratePerMin() float64 {
	n := len(h.done)
	if n < 2 {
		return 0
	}
	k := min(rateWindow, n-1)
	delta := h.done[n-1] - h.done[n-1-k]
	return float64(max(0, delta)) * 60 / float64(k)
}

// currentRate is the latest POs/min figure.
func (h *history) currentRate() float64 {
	if len(h.rate) == 0 {
		return 0
	}
	return h.rate[len(h.rate)-1]
}

// eta estimates the time left for remaining tasks at the current rate; ok is
// false when there is no rate to go by.
func (h *history) eta(remaining int) (time.Duration, bool) {
	r := h.currentRate()
	if remaining <= 0 {
		return 0, true
	}
	if r <= 0 {
		return 0, false
	}
	return time.Duration(float64(remaining) / r * float64(time.Minute)), true
}
