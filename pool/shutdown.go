package pool

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// forceGrace is how long Close lets cancelled tasks return (and record
// their outcome) before it kills their browsers under them.
const forceGrace = 10 * time.Second

// Shutdown stops the pool gracefully, in the shape of
// net/http.Server.Shutdown: it stops dispatching (queued tasks stay queued
// and report PENDING, so a re-run picks them up; tasks waiting for a retry
// go back to the queue), lets running tasks finish, then closes every
// browser and waits for every goroutine. It forces nothing: when ctx ends
// first it returns ctx.Err() and the pool goes on draining; call Close to
// cancel what still runs. ctx's deadline, if any, is shown as the drain
// deadline. Every call waits for the same drain; once the pool has stopped
// Shutdown returns nil.
func (p *Pool) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	if d, ok := ctx.Deadline(); ok && !p.finished && (p.drainUntil.IsZero() || d.Before(p.drainUntil)) {
		p.drainUntil = d
	}
	p.drainLocked()
	p.unlock()
	select {
	case <-p.stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops the pool now: it stops dispatching, cancels running tasks
// (they end CANCELLED, and their outcome is recorded like any other),
// kills the browsers of tasks that have not returned within forceGrace,
// gives up on outcomes the recorder cannot write by then (those tasks stay
// PENDING), and returns once every browser is closed and every goroutine
// has returned. It may be called during Shutdown, which then returns too,
// and more than once.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.drainLocked()
	p.forceLocked("closing")
	p.unlock()

	grace := time.NewTimer(forceGrace)
	defer grace.Stop()
	select {
	case <-p.stopped:
		return nil
	case <-grace.C:
	}
	p.mu.Lock()
	p.logLocked(slog.LevelWarn, "tasks did not stop within the grace period; killing their browsers", "running", len(p.running))
	p.unlock()
	p.recCancel() // outcomes still waiting for the recorder are given up
	p.killRunning()
	<-p.stopped
	return nil
}

// Wait returns when every task submitted so far is final (Done, CANCELLED
// included), or with ctx.Err() when ctx ends first, or with ErrStopped
// when the pool stopped with tasks still pending.
func (p *Pool) Wait(ctx context.Context) error {
	p.mu.Lock()
	defer p.unlock()
	for p.counts.Done < p.counts.Total {
		if p.finished {
			return fmt.Errorf("%d of %d tasks not final: %w", p.counts.Total-p.counts.Done, p.counts.Total, ErrStopped)
		}
		ch := p.changed
		p.unlock()
		select {
		case <-ch:
			p.mu.Lock()
		case <-ctx.Done():
			p.mu.Lock()
			return ctx.Err()
		}
	}
	return nil
}

// drainLocked begins the drain once: no more dispatch, retries back to
// the queue, and a goroutine that stops the pool when nothing runs.
func (p *Pool) drainLocked() {
	if p.draining {
		return
	}
	p.draining = true
	for _, t := range p.retrying {
		t.retryTimer.Stop()
		t.retryTimer = nil
		p.counts.Retrying--
		p.requeueFrontLocked(t, "shutting down: left pending")
	}
	clear(p.retrying)
	p.emitPoolLocked(EvPoolDraining, fmt.Sprintf("shutting down: %d running tasks may finish; %d queued stay pending",
		len(p.running), p.queue.Len()))
	p.broadcastLocked()
	go p.stop()
}

// stop is the drain's goroutine: it waits until no task runs or settles,
// then stops launches, backoffs, the supervisor and the sample loop, waits
// for every worker to close its browser, and marks the pool stopped.
// Shutdown and Close wait for it through p.stopped.
func (p *Pool) stop() {
	p.mu.Lock()
	for len(p.running) > 0 || p.settling > 0 {
		ch := p.changed
		p.unlock()
		<-ch
		p.mu.Lock()
	}
	p.unlock()

	p.runCancel()
	p.wg.Wait()
	p.recCancel()
	p.printCancel()

	p.mu.Lock()
	p.finished = true
	p.emitPoolLocked(EvPoolStopped, fmt.Sprintf("stopped: %d done, %d pending", p.counts.Done, p.queue.Len()))
	for s := range p.subs {
		s.end()
	}
	clear(p.subs)
	p.broadcastLocked()
	p.unlock()
	p.waitLog()
	close(p.stopped)
}

// forceLocked cancels every running task; they end CANCELLED.
func (p *Pool) forceLocked(why string) {
	if p.forced || p.finished {
		return
	}
	p.forced = true
	p.printCancel()
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
			p.logLocked(slog.LevelWarn, "killing the browser of a task that did not stop", "worker", w.id, "po", t.po)
			hung = append(hung, w.b)
		}
	}
	p.unlock()
	for _, b := range hung {
		b.Kill()
	}
}

// Stopped is closed when the pool has stopped.
func (p *Pool) Stopped() <-chan struct{} { return p.stopped }
