package pool

import (
	"context"
	"fmt"
	"time"
)

// forceGrace is how long cancelled tasks get to return before their
// browsers are killed under them.
const forceGrace = 10 * time.Second

// Shutdown stops the pool in phases, like net/http.Server.Shutdown: stop
// dispatching; let running tasks finish until shutdown_timeout or ctx ends;
// then cancel them (they end CANCELLED, not lost); close every browser and
// wait for every goroutine. Queued tasks stay queued and report PENDING, so
// a re-run picks them up. A second call while the first runs forces it:
// running tasks are cancelled at once. Calls after it finished return nil.
func (p *Pool) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	if p.finished {
		p.mu.Unlock()
		return nil
	}
	if p.draining {
		p.forceLocked("second shutdown request")
		p.mu.Unlock()
		select {
		case <-p.stopped:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	p.draining = true
	p.drainUntil = time.Now().Add(p.cfg.ShutdownTimeout)
	for _, t := range p.retrying {
		t.retryTimer.Stop()
		t.retryTimer = nil
		p.counts.Retrying--
		p.requeueFrontLocked(t, "shutting down: left pending")
	}
	clear(p.retrying)
	p.emitPoolLocked(EvPoolDraining, fmt.Sprintf("shutting down: %d running tasks may finish within %s; %d queued stay pending",
		len(p.running), p.cfg.ShutdownTimeout, p.queue.Len()))
	p.broadcastLocked()

	drain := time.NewTimer(p.cfg.ShutdownTimeout)
	defer drain.Stop()
	var grace <-chan time.Time
	for len(p.running) > 0 {
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
			p.mu.Lock()
		case <-drain.C:
			p.mu.Lock()
			p.forceLocked(fmt.Sprintf("shutdown_timeout %s reached", p.cfg.ShutdownTimeout))
		case <-ctx.Done():
			p.mu.Lock()
			p.forceLocked("shutdown deadline reached")
		case <-grace:
			p.killRunning()
			p.mu.Lock()
			grace = nil
		}
		if p.forced && grace == nil && len(p.running) > 0 {
			t := time.NewTimer(forceGrace)
			defer t.Stop()
			grace = t.C
		}
	}
	p.mu.Unlock()

	// Nothing runs now: stop launches, backoffs, the supervisor and the
	// sample loop, then wait for every worker to close its browser.
	p.runCancel()
	p.wg.Wait()

	p.mu.Lock()
	p.finished = true
	p.emitPoolLocked(EvPoolStopped, fmt.Sprintf("stopped: %d done, %d pending", p.counts.Done, p.queue.Len()))
	for s := range p.subs {
		s.end()
	}
	clear(p.subs)
	p.broadcastLocked()
	p.mu.Unlock()
	close(p.stopped)
	return nil
}

// forceLocked cancels every running task; they end CANCELLED.
func (p *Pool) forceLocked(why string) {
	if p.forced {
		return
	}
	p.forced = true
	for _, t := range p.running {
		if t.cancel != nil {
			t.cancel(errCancelledByShutdown)
		}
	}
	p.emitPoolLocked(EvPoolDraining, fmt.Sprintf("%s: cancelling %d running tasks", why, len(p.running)))
	p.broadcastLocked()
}

// killRunning kills the browsers of tasks that ignored cancellation.
func (p *Pool) killRunning() {
	p.mu.Lock()
	var hung []Browser
	for _, t := range p.running {
		if w, ok := p.workers[t.worker]; ok && w.b != nil {
			p.log.Warn("killing the browser of a task that did not stop", "worker", w.id, "po", t.po)
			hung = append(hung, w.b)
		}
	}
	p.mu.Unlock()
	for _, b := range hung {
		b.Kill()
	}
}

// Stopped is closed when Shutdown has finished.
func (p *Pool) Stopped() <-chan struct{} { return p.stopped }
