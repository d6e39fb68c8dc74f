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

	flights map[fileKey]flight // the files in flight at the last sample
}

// fileKey names one file of one task in flight.
type fileKey struct {
	task uint64
	name string
}

// flight is how one file in flight has come along since it was first seen
// (or since its download started again).
type flight struct {
	since, at  time.Time // first seen; last seen
	from, done int64     // bytes then and now
}

// speed is the file's bytes per second since it was first seen; 0 before
// two samples.
func (f flight) speed() float64 {
	d := f.at.Sub(f.since).Seconds()
	if d <= 0 {
		return 0
	}
	return float64(max(0, f.done-f.from)) / d
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
	h.follow(sec, snap)
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

// follow notes how far each file in flight has come, of every task a
// worker holds (heldTasks); a file seen for the first time, or whose
// download started again, starts a new flight.
func (h *history) follow(now time.Time, snap pool.Snapshot) {
	next := map[fileKey]flight{}
	for _, w := range snap.Workers {
		for _, t := range heldTasks(w) {
			for _, f := range t.Progress.InFlight {
				k := fileKey{t.ID, f.Name}
				fl, ok := h.flights[k]
				if !ok || f.Done < fl.done {
					fl = flight{since: now, from: f.Done}
				}
				fl.at, fl.done = now, f.Done
				next[k] = fl
			}
		}
	}
	h.flights = next
}

// byteRate is how fast the files in flight come now, in bytes per second
// (the sum of each one's own speed).
func (h *history) byteRate() float64 {
	r := 0.0
	for _, f := range h.flights {
		r += f.speed()
	}
	return r
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

// eta estimates the time left for the tasks of snap not finished yet: the
// POs left at the current PO rate, a running PO counting only for what its
// files have still to do; and never less than the slowest file in flight
// needs at its own speed. lower says the files alone gave the estimate (no
// PO rate yet): the run takes at least that. ok is false when there is
// nothing to go by.
func (h *history) eta(snap pool.Snapshot) (d time.Duration, lower, ok bool) {
	remaining := float64(snap.Counts.Total - snap.Counts.Done)
	if remaining <= 0 {
		return 0, false, true
	}
	var files time.Duration
	for _, w := range snap.Workers {
		for _, t := range heldTasks(w) {
			pr := t.Progress
			part := float64(pr.Done)
			for _, f := range pr.InFlight {
				frac, known := fileFrac(f)
				part += frac
				if sp := h.flights[fileKey{t.ID, f.Name}].speed(); known && sp > 0 && f.Total > f.Done {
					files = max(files, time.Duration(float64(f.Total-f.Done)/sp*float64(time.Second)))
				}
			}
			if pr.Found > 0 {
				remaining -= min(1, part/float64(pr.Found))
			}
		}
	}
	if r := h.currentRate(); r > 0 {
		pos := time.Duration(max(0, remaining) / r * float64(time.Minute))
		return max(pos, files), false, true
	}
	if files > 0 {
		return files, true, true
	}
	return 0, false, false
}
