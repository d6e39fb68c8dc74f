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
	last  time.Time // the second of the newest sample; zero before the first
	done  []int     // finished tasks, cumulative
	mem   []float64 // memory used %, from the snapshot
	rate  []float64 // POs/min over the trailing rateWindow at each sample
	bytes []int64   // bytes received by files in flight, cumulative

	got  int64             // bytes received so far, as counted from the files in flight
	seen map[fileKey]int64 // bytes done of each file in flight at the last sample
}

// fileKey names one file of one task in flight.
type fileKey struct {
	task uint64
	name string
}

// byteWindow is the trailing window, in samples, the byte rate is
// computed over: shorter than the POs', since files come and go quickly.
const byteWindow = 10

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
	h.received(snap)
	h.push(snap.Counts.Done, snap.Resources.UsagePercent)
}

func (h *history) push(done int, mem float64) {
	h.done = appendCapped(h.done, done)
	h.mem = appendCapped(h.mem, mem)
	h.rate = appendCapped(h.rate, h.ratePerMin())
	h.bytes = appendCapped(h.bytes, h.got)
}

// received adds the bytes the files in flight got since the last sample:
// a file seen for the first time counts what it has, a file that went
// back (its download started again) counts what it has again.
func (h *history) received(snap pool.Snapshot) {
	next := map[fileKey]int64{}
	for _, w := range snap.Workers {
		if w.PO == "" {
			continue
		}
		for _, f := range w.Progress.InFlight {
			k := fileKey{w.Task, f.Name}
			if prev, ok := h.seen[k]; ok && f.Done >= prev {
				h.got += f.Done - prev
			} else {
				h.got += f.Done
			}
			next[k] = f.Done
		}
	}
	h.seen = next
}

// byteRate is bytes received per second over the trailing byteWindow.
func (h *history) byteRate() float64 {
	n := len(h.bytes)
	if n < 2 {
		return 0
	}
	k := min(byteWindow, n-1)
	return float64(max(0, h.bytes[n-1]-h.bytes[n-1-k])) / float64(k)
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

// eta estimates the time left for the tasks of snap not finished yet: the
// POs left at the current PO rate, a running PO counting only for what its
// files have still to do; and never less than the files in flight need at
// the current byte rate. lower says the bytes alone gave the estimate (no
// PO rate yet): the run takes at least that. ok is false when there is
// nothing to go by.
func (h *history) eta(snap pool.Snapshot) (d time.Duration, lower, ok bool) {
	remaining := float64(snap.Counts.Total - snap.Counts.Done)
	if remaining <= 0 {
		return 0, false, true
	}
	var left int64
	for _, w := range snap.Workers {
		pr := w.Progress
		if w.PO == "" {
			continue
		}
		_, l := inFlightBytes(pr.InFlight)
		left += l
		if pr.Found > 0 {
			part := float64(pr.Done)
			for _, f := range pr.InFlight {
				frac, _ := fileFrac(f)
				part += frac
			}
			remaining -= min(1, part/float64(pr.Found))
		}
	}
	var files time.Duration
	if br := h.byteRate(); br > 0 && left > 0 {
		files = time.Duration(float64(left) / br * float64(time.Second))
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
