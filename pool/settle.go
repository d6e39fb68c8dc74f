package pool

import (
	"context"
	"errors"
	"fmt"
	"time"

	"coupatui/coupa"
	"coupatui/internal/diskfull"
	"coupatui/vocab"
)

// What follows an attempt: done, retried after a backoff, or back to the
// front of the queue.

// crashReason says why an attempt's browser ended under it, "" when it did
// not: a remote one names its endpoint by host (never a token).
func crashReason(w *worker, b Browser, crashed bool) string {
	switch {
	case !crashed:
		return ""
	case w.endpoint == 0:
		return "browser crashed"
	}
	if e, ok := b.(interface{ Err() error }); ok && e.Err() != nil {
		return e.Err().Error()
	}
	return "remote browser lost"
}

// settleLocked decides what follows one attempt: done (recorded first,
// with the lock released meanwhile), retry later, or back to the front of
// the queue. crash is why the browser ended under the attempt, "" when it
// did not.
func (p *Pool) settleLocked(t *task, res coupa.Result, cause error, crash string) {
	attempt := fmt.Sprintf("attempt %d", t.attempts)
	p.taskChangedLocked() // its errors and attempts show while the outcome is recorded
	switch {
	case errors.Is(cause, errCancelledByOperator), errors.Is(cause, errCancelledByShutdown):
		res.Status, res.Err, res.Retryable = vocab.Cancelled, cause, false
		p.finishRecordedLocked(t, res)
	case crash != "":
		t.errors = append(t.errors, attempt+": "+crash)
		if t.attempts > p.cfg.MaxRetries {
			res.Status, res.Retryable = vocab.Failed, false
			res.Err = fmt.Errorf("browser crashed on each of %d attempts", t.attempts)
			p.finishRecordedLocked(t, res)
			return
		}
		p.requeueFrontLocked(t, "browser crashed; back to the front of the queue")
	case errors.Is(res.Err, coupa.ErrSignInRequired):
		t.attempts-- // not the PO's fault
		p.requeueFrontLocked(t, "sign-in required")
		p.holdLocked(HoldSignIn, "Coupa shows its sign-in wall (session missing or expired): run `coupatui login`, then resume")
	case diskfull.Is(res.Err):
		t.attempts-- // not the PO's fault; what is on disk stays
		p.requeueFrontLocked(t, "disk full: back to the queue")
		p.holdLocked(HoldDiskFull, diskFullReason(res.Err))
	default:
		if errors.Is(cause, errTaskTimeout) {
			res.Status, res.Retryable = vocab.Timeout, true
			if res.Err == nil || !errors.Is(res.Err, context.DeadlineExceeded) {
				res.Err = fmt.Errorf("no outcome within task_timeout %s", p.cfg.TaskTimeout)
			}
		}
		if res.Err != nil {
			t.errors = append(t.errors, attempt+": "+res.Err.Error())
		}
		if res.Retryable && t.attempts <= p.cfg.MaxRetries {
			if p.draining { // a re-run picks it up
				p.requeueFrontLocked(t, "shutting down: left pending")
				return
			}
			p.retryLaterLocked(t, res)
			return
		}
		p.finishRecordedLocked(t, res)
	}
}

func (p *Pool) requeueFrontLocked(t *task, why string) {
	p.leaveRunningLocked(t)
	t.own()
	t.state = vocab.TaskQueued
	t.worker = -1
	p.queue.pushFront(t)
	p.counts.Queued++
	p.emitTaskLocked(EvTaskRetried, t, why)
}

// retryLaterLocked parks t for its backoff, then puts it at the front of
// its priority.
func (p *Pool) retryLaterLocked(t *task, res coupa.Result) {
	p.leaveRunningLocked(t)
	wait := jitter(backoff(p.cfg.RetryBackoff, p.cfg.RetryBackoffMax, t.attempts), p.rnd.Float64())
	t.state = vocab.TaskRetrying
	t.worker = -1
	t.result = &res
	t.nextTry = time.Now().Add(wait)
	p.retrying[t.id] = t
	p.taskChangedLocked()
	p.counts.Retrying++
	t.retryTimer = time.AfterFunc(wait, func() {
		p.mu.Lock()
		defer p.unlock()
		if t.state != vocab.TaskRetrying || t.retryTimer == nil {
			return
		}
		t.retryTimer = nil
		delete(p.retrying, t.id)
		p.counts.Retrying--
		p.requeueFrontLocked(t, "backoff over")
		p.broadcastLocked()
	})
	p.emitTaskLocked(EvTaskRetried, t, fmt.Sprintf("%s: %s; retry %d of %d in %s",
		res.Status, res.ErrorMessage(), t.attempts, p.cfg.MaxRetries, wait.Round(time.Millisecond)))
}
