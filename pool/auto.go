package pool

import (
	"fmt"
	"time"
)

// worker_count = "auto" finds the knee of the pool's throughput: it
// measures how many POs the pool finishes per second at its worker count,
// adds one worker while enough POs wait for it to pay, the machine has
// headroom and the last worker added raised throughput by more than
// autoGain. A worker that raised it by less is kept (the knee: no more are
// tried), one that did not raise it at all is given back. Each measurement
// runs while every worker is up and POs wait, over at least the policy
// window and enough finished POs to mean something.
const (
	// autoGain is the gain in throughput an added worker must bring for
	// one more to be tried.
	autoGain = 1.10
	// autoPerWorker is how many POs, per worker, a measurement waits for
	// at least: fewer say too little about a rate.
	autoPerWorker = 4
	// autoMaxWindows bounds a measurement at a slow site (a few POs a
	// minute): after this many windows the rate is what it is.
	autoMaxWindows = 6
	// autoHoldWindows is how long the pool stays at a knee before it
	// tries one more worker again (the site or the machine may have
	// changed).
	autoHoldWindows = 12
	// autoTrialWindows is the work, in windows at the rate measured, that
	// must wait before one more worker is tried: its browser's start-up
	// and its measurement take about two windows before it can pay, and a
	// browser started for the run's last POs only takes CPU from them.
	autoTrialWindows = 3
)

// autoState is the knee search; guarded, like the policy, by the pool's
// mutex.
type autoState struct {
	n      int       // the worker count being measured; 0 = none
	since  time.Time // when the measurement began
	doneAt int       // tasks finished then
	rates  map[int]float64
	knee   int       // the count more workers did not beat; 0 = none known
	kneeAt time.Time // when it was found
}

// autoStep is the knee search's decision on one reading with memory
// pressure low.
func (pl *policy) autoStep(in policyInput, acts []action) []action {
	a := &pl.auto
	if a.rates == nil {
		a.rates = map[int]float64{}
	}
	if in.queued == 0 {
		a.n = 0 // nothing waits: no rate to measure
		if in.busy < in.live && in.target > pl.min && in.now.Sub(pl.lastStep) >= pl.cfg.Window {
			pl.lastStep = in.now
			return append(acts, action{actTarget, in.target - 1, "auto: queue empty and workers idle: one worker fewer"})
		}
		return acts
	}
	if a.knee > 0 && in.now.Sub(a.kneeAt) >= autoHoldWindows*pl.cfg.Window {
		a.knee = 0 // try again: the site or the machine may have changed
	}
	// A measurement needs every worker of the target up and POs waiting.
	if in.ready < in.target || in.live != in.target {
		a.n = 0
		return acts
	}
	if a.n != in.target {
		a.n, a.since, a.doneAt = in.target, in.now, in.done
		return acts
	}
	elapsed, got := in.now.Sub(a.since), in.done-a.doneAt
	if elapsed < pl.cfg.Window || got < autoPerWorker*a.n && elapsed < autoMaxWindows*pl.cfg.Window {
		return acts
	}
	rate := float64(got) / elapsed.Seconds()
	n := a.n
	a.rates[n] = rate
	a.n, a.since, a.doneAt = n, in.now, in.done // the next measurement at n starts now
	if below, ok := a.rates[n-1]; ok && n-1 >= pl.min && a.knee == 0 && rate < autoGain*below {
		pl.lastStep = in.now
		if rate > below {
			// It pays, a little: keep it, try no more. Giving it back
			// would cost what it adds (5% between 3 and 4 workers at
			// 150 ms pages on 2 cores).
			a.knee, a.kneeAt = n, in.now
			return append(acts, action{actTarget, n, fmt.Sprintf(
				"auto: %d workers finish %.2f POs/s, %d finished %.2f (less than %.0f%% more): staying at %d",
				n, rate, n-1, below, (autoGain-1)*100, n)})
		}
		a.knee, a.kneeAt = n-1, in.now
		return append(acts, action{actTarget, n - 1, fmt.Sprintf(
			"auto: %d workers finish %.2f POs/s, no more than %d finished (%.2f): back to %d",
			n, rate, n-1, below, n-1)})
	}
	switch {
	case a.knee > 0 && n >= a.knee, n >= pl.max:
		return acts
	case in.cpuPercent >= pl.cfg.AutoCPU:
		return acts
	case float64(in.queued) < rate*autoTrialWindows*pl.cfg.Window.Seconds():
		return acts
	}
	delete(a.rates, n+1) // measured again from scratch
	pl.lastStep = in.now
	return append(acts, action{actTarget, n + 1, fmt.Sprintf(
		"auto: %d workers finish %.2f POs/s with %d POs waiting, CPU %.0f%%, memory %.0f%% used: trying %d",
		n, rate, in.queued, in.cpuPercent, in.usedPercent, n+1)})
}
