package pool

import (
	"fmt"
	"time"

	"coupatui/monitor"
)

// PolicyConfig tunes how the pool answers memory pressure.
type PolicyConfig struct {
	Window          time.Duration // pressure_window: pace of one-worker-at-a-time retirement, and the shortest measurement of worker_count = "auto"
	RecoverWindow   time.Duration // recover_window: low pressure this long before returning to the target
	PauseOnCritical bool          // pause dispatch at critical instead of dropping to min_workers
	Auto            bool          // worker_count = "auto": find the worker count past which one more does not pay (auto.go)
	AutoCPU         float64       // add workers only while machine CPU is below this percent
	MaxBrowserBytes uint64        // recycle a browser above this after its task (0 = no cap)
}

// policy decides how many workers memory allows and which browsers to
// recycle. It is pure: the pool feeds it readings and applies its actions
// under its mutex, which guards it.
type policy struct {
	cfg      PolicyConfig
	min, max int

	ceiling    int  // most workers memory allows now
	paused     bool // dispatch paused by pause_on_critical
	level      monitor.Pressure
	levelSince time.Time
	lastStep   time.Time
	auto       autoState
}

func newPolicy(cfg PolicyConfig, min, max int) *policy {
	return &policy{cfg: cfg, min: min, max: max, ceiling: max}
}

type actionKind int

const (
	actCeiling actionKind = iota // n = new ceiling
	actTarget                    // n = new target (worker_count = "auto")
	actRecycle                   // n = worker id
	actPause
	actResume
)

type action struct {
	kind   actionKind
	n      int
	reason string
}

// load is one browser's memory as the policy sees it.
type load struct {
	worker int
	bytes  uint64
}

type policyInput struct {
	now         time.Time
	pressure    monitor.Pressure
	usedPercent float64
	cpuPercent  float64
	target      int // operator's (or auto's) target
	live        int // workers not retiring
	ready       int // of those, the ones whose browser is up
	busy        int
	queued      int
	done        int // tasks finished so far
	browsers    []load
}

// decide returns what the pool should do about one reading.
func (pl *policy) decide(in policyInput) []action {
	var acts []action
	entered := in.pressure != pl.level
	if entered {
		pl.level, pl.levelSince = in.pressure, in.now
	}
	used := fmt.Sprintf("%.0f%% used", in.usedPercent)

	switch in.pressure {
	case monitor.Critical:
		if pl.cfg.PauseOnCritical {
			if !pl.paused {
				pl.paused = true
				acts = append(acts, action{actPause, 0, "memory critical (" + used + "): dispatch paused (pause_on_critical)"})
			}
			break
		}
		if entered {
			pl.ceiling, pl.lastStep = pl.min, in.now
			acts = append(acts, action{actCeiling, pl.min,
				fmt.Sprintf("memory critical (%s): down to min_workers %d", used, pl.min)})
			for _, b := range in.browsers {
				acts = append(acts, action{actRecycle, b.worker, "memory critical: restarting its browser after its task"})
			}
		}
	case monitor.Elevated:
		acts = pl.resume(acts, "memory no longer critical ("+used+"): dispatch resumed")
		if entered {
			pl.ceiling, pl.lastStep = max(pl.min, min(pl.ceiling, in.live)), in.now
			acts = append(acts, action{actCeiling, pl.ceiling,
				fmt.Sprintf("memory elevated (%s): no scaling up beyond %d workers", used, pl.ceiling)})
			if h, ok := heaviest(in.browsers); ok {
				acts = append(acts, action{actRecycle, h.worker,
					fmt.Sprintf("memory elevated (%s): recycling the heaviest browser (%s) after its task", used, mib(h.bytes))})
			}
			break
		}
		if in.now.Sub(pl.lastStep) >= pl.cfg.Window && pl.ceiling > pl.min {
			pl.ceiling, pl.lastStep = max(pl.min, min(pl.ceiling, in.live)-1), in.now
			acts = append(acts, action{actCeiling, pl.ceiling,
				fmt.Sprintf("memory still elevated (%s) after %s: retiring one worker, down to %d", used, pl.cfg.Window, pl.ceiling)})
		}
	default:
		acts = pl.resume(acts, "memory pressure gone ("+used+"): dispatch resumed")
		if pl.ceiling < pl.max && in.now.Sub(pl.levelSince) >= pl.cfg.RecoverWindow {
			pl.ceiling, pl.lastStep = pl.max, in.now
			acts = append(acts, action{actCeiling, pl.max,
				fmt.Sprintf("memory low (%s) for %s: back to the target of %d workers", used, pl.cfg.RecoverWindow, in.target)})
		}
		if pl.cfg.Auto && pl.ceiling == pl.max {
			acts = pl.autoStep(in, acts)
		}
	}
	if pl.cfg.MaxBrowserBytes > 0 {
		for _, b := range in.browsers {
			if b.bytes > pl.cfg.MaxBrowserBytes {
				acts = append(acts, action{actRecycle, b.worker,
					fmt.Sprintf("browser uses %s, above max_browser_mb %s: recycling it after its task", mib(b.bytes), mib(pl.cfg.MaxBrowserBytes))})
			}
		}
	}
	return acts
}

func (pl *policy) resume(acts []action, reason string) []action {
	if pl.paused {
		pl.paused = false
		acts = append(acts, action{actResume, 0, reason})
	}
	return acts
}

func heaviest(bs []load) (load, bool) {
	var h load
	for _, b := range bs {
		if b.bytes > h.bytes {
			h = b
		}
	}
	return h, h.bytes > 0
}

func mib(b uint64) string { return fmt.Sprintf("%d MB", b>>20) }

// applyPolicyLocked runs the policy on one sample and carries out its actions.
func (p *Pool) applyPolicyLocked(s monitor.Sample) {
	in := policyInput{
		now:         s.Time,
		pressure:    s.Pressure,
		usedPercent: s.UsedRatio * 100,
		cpuPercent:  s.CPUPercent,
		target:      p.targetWorkers,
		queued:      p.queue.Len(),
		done:        p.counts.Done,
	}
	if in.now.IsZero() {
		in.now = time.Now()
	}
	for _, w := range p.workers {
		if w.state == WorkerStopped || w.retire || w.endpoint != 0 {
			continue // local pressure scales local workers only
		}
		in.live++
		if len(w.tasks) > 0 {
			in.busy++
		}
		if w.b != nil && w.state != WorkerStarting && w.state != WorkerRestarting {
			in.ready++
		}
		if w.b != nil && w.mem > 0 {
			in.browsers = append(in.browsers, load{w.id, w.mem})
		}
	}
	for _, a := range p.policy.decide(in) {
		switch a.kind {
		case actCeiling:
			p.emitPoolLocked(EvPolicy, a.reason)
			p.rebalanceLocked()
		case actTarget:
			p.targetWorkers = max(p.cfg.MinWorkers, min(a.n, p.cfg.MaxWorkers))
			p.emitPoolLocked(EvPoolScaled, a.reason)
			p.rebalanceLocked()
		case actRecycle:
			if w, ok := p.workers[a.n]; ok && w.b != nil && w.recycleReason == "" && !w.retire {
				w.recycleReason = a.reason
				p.emitWorkerLocked(EvPolicy, w, a.reason)
				p.broadcastLocked()
			}
		case actPause, actResume:
			p.emitPoolLocked(EvPolicy, a.reason)
			p.broadcastLocked()
		}
	}
}
