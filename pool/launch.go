package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"coupatui/coupa"
)

// The browser of a worker: launching, relaunching after a crash,
// recycling, and the session check of a new browser.

// ensureBrowser returns with a live browser in w.b, recycling or relaunching
// as needed, or false when the worker must leave. The first PO page read
// signed in confirms the session (pageDone); only a browser that comes up
// with nothing to dispatch checks it on a page of its own, in a goroutine
// counted in checks. A PO that meets the sign-in wall goes back to the
// queue and holds the pool, so nothing needs to wait for a check.
func (p *Pool) ensureBrowser(w *worker, checks *sync.WaitGroup) bool {
	p.mu.Lock()
	b, why := w.b, w.recycleReason
	dead := b != nil && isClosed(b.Done())
	switch {
	case dead && w.endpoint != 0:
		w.b = nil
		w.restarts++
		w.failures++
		w.lastErr = crashReason(w, b, true) // names the endpoint by host only
		p.emitWorkerLocked(EvWorkerCrashed, w, "down: "+w.lastErr+"; reconnecting")
	case dead:
		w.b = nil
		w.restarts++
		w.failures++
		w.lastErr = "browser died"
		p.emitWorkerLocked(EvWorkerCrashed, w, "browser died; restarting it")
	case b != nil && why != "":
		w.b = nil
		w.recycles++
		p.setWorkerStateLocked(w, WorkerStarting, EvWorkerRecycled, why)
	default:
		b = nil
	}
	w.recycleReason = ""
	p.unlock()
	if b != nil {
		p.closeBrowser(w, b)
	}

	for {
		p.mu.Lock()
		if w.retire || p.draining {
			p.unlock()
			return false
		}
		if w.b != nil {
			p.unlock()
			return true
		}
		if w.failures > 0 {
			wait := jitter(backoff(p.cfg.RestartBackoff, p.cfg.RestartBackoffMax, w.failures), p.rnd.Float64())
			verb := "relaunching"
			if w.endpoint != 0 {
				verb = "down (" + w.lastErr + "): reconnecting"
			}
			p.setWorkerStateLocked(w, WorkerRestarting, EvWorkerRestarting,
				fmt.Sprintf("%s in %s", verb, wait.Round(time.Millisecond)))
			p.unlock()
			if !p.sleepUnlessLeaving(w, wait) {
				return false
			}
			p.mu.Lock()
		}
		if w.state != WorkerStarting {
			p.setWorkerStateLocked(w, WorkerStarting, EvWorkerStarting, "")
		}
		p.unlock()

		ctx, cancel := context.WithTimeout(p.runCtx, p.cfg.WorkerStartupTimeout)
		var b Browser
		var err error
		if i, ok := w.remote(); ok {
			b, err = p.engine.(RemoteEngine).LaunchRemote(ctx, w.id, i) // New checked it is one
		} else {
			b, err = p.engine.Launch(ctx, w.id)
		}
		cancel()

		p.mu.Lock()
		if err != nil && p.stoppingLocked() {
			// The pool is stopping: the launch was cut short, no failure to report.
			p.unlock()
			return false
		}
		if err != nil {
			w.failures++
			w.lastErr = err.Error()
			p.lastLaunch = err
			what := "launch failed: "
			if i, ok := w.remote(); ok {
				what = "down: " + p.cfg.Endpoints[i].Name + " unreachable: "
			}
			p.logLocked(slog.LevelWarn, "browser did not start", "worker", w.id, "err", err)
			p.emitWorkerLocked(EvWorkerCrashed, w, what+err.Error())
			p.unlock()
			continue
		}
		w.b = b
		w.launched = true
		w.sinceLaunch = 0
		w.pingFails = 0
		check := !p.checkedAuth && !p.checking && (p.counts.Queued == 0 || !p.dispatchingLocked())
		p.checking = p.checking || check
		ready := fmt.Sprintf("browser pid %d", b.PID())
		if i, ok := w.remote(); ok {
			ready = "connected to " + p.cfg.Endpoints[i].Name
		}
		w.lastErr = ""
		p.setWorkerStateLocked(w, WorkerIdle, EvWorkerReady, ready)
		p.broadcastLocked()
		p.unlock()
		if p.mon != nil && b.PID() > 0 {
			p.mon.Track(w.id, b.PID())
		}
		if check {
			checks.Go(func() { p.checkSession(w, b) })
		}
	}
}

// checkSession asks Coupa once whether the profile is signed in.
func (p *Pool) checkSession(w *worker, b Browser) {
	ctx, cancel := context.WithTimeout(p.runCtx, p.cfg.TaskTimeout)
	began := time.Now()
	err := b.CheckSession(ctx)
	cancel()
	p.mu.Lock()
	defer p.unlock()
	p.checking = false
	switch {
	case err == nil && !p.checkedAuth: // else a PO page confirmed it first
		p.checkedAuth = true
		p.emitWorkerLocked(EvSessionChecked, w, fmt.Sprintf("signed in (checked in %s)", time.Since(began).Round(time.Millisecond)))
	case errors.Is(err, coupa.ErrSignInRequired):
		p.holdLocked(HoldSignIn, fmt.Sprintf("worker %d: Coupa shows its sign-in wall: run `coupatui login`, then resume", w.id))
	case p.stoppingLocked(): // its browsers close under the check
	default:
		p.logLocked(slog.LevelWarn, "session check failed", "worker", w.id, "err", err)
	}
}

// sleepUnlessLeaving waits d unless the worker must leave first.
func (p *Pool) sleepUnlessLeaving(w *worker, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		p.mu.Lock()
		if w.retire || p.draining {
			p.unlock()
			return false
		}
		ch := p.changed
		p.unlock()
		select {
		case <-timer.C:
			return true
		case <-ch:
		}
	}
}

// stoppingLocked reports whether the pool drains or has stopped: what
// fails then (a launch, a session check) failed because of it.
func (p *Pool) stoppingLocked() bool { return p.draining || p.runCtx.Err() != nil }
