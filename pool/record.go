package pool

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"coupatui/coupa"
	"coupatui/internal/diskfull"
	"coupatui/vocab"
)

// Recorder writes a task's transitions where they survive the process: the
// run's journal implements it. The pool calls it synchronously, from the
// goroutine making the change and never under its lock, before anyone
// sees the change: an attempt is recorded (EvTaskStarted) before the
// browser opens the page, each file as it is complete on disk
// (EvTaskProgress with Progress.Saved set), and an outcome (EvTaskFinished,
// EvTaskCancelled) before it is shown to subscribers, counted, or returned
// by any view. A call that fails is retried with a backoff while
// HoldJournal stops dispatch; nothing is dropped. Record must honour ctx:
// it ends when the pool is closed and gives up.
type Recorder interface {
	Record(ctx context.Context, ev Event) error
}

// BatchRecorder is a Recorder that also writes several transitions at
// once, all or none (one journal transaction): the pool hands it the
// outcomes of a command on many tasks (CancelMany) in one call.
type BatchRecorder interface {
	Recorder
	RecordMany(ctx context.Context, evs []Event) error
}

// Backoff of a failing Recorder: doubled after each failure up to the cap.
const (
	recordBackoff    = 100 * time.Millisecond
	recordBackoffMax = 5 * time.Second
)

// record hands ev to the recorder until it is written. It returns false
// only when the pool gave up on it (Close after its grace period); the
// caller then leaves the change unmade.
func (p *Pool) record(ev Event) bool {
	if p.rec == nil {
		return true
	}
	return p.retryRecord(ev.String, func(ctx context.Context) error {
		ev.Time = time.Now()
		return p.rec.Record(ctx, ev)
	})
}

// recordAll records evs and returns how many of them, from the first, were
// recorded: all or none in one call when the recorder takes batches, else
// one by one up to the first the pool gave up on.
func (p *Pool) recordAll(evs []Event) int {
	br, batch := p.rec.(BatchRecorder)
	if p.rec == nil || !batch || len(evs) == 1 {
		for i, ev := range evs {
			if !p.record(ev) {
				return i
			}
		}
		return len(evs)
	}
	what := func() string { return fmt.Sprintf("%d transitions", len(evs)) }
	ok := p.retryRecord(what, func(ctx context.Context) error {
		now := time.Now()
		for i := range evs {
			evs[i].Time = now
		}
		return br.RecordMany(ctx, evs)
	})
	if !ok {
		return 0
	}
	return len(evs)
}

// retryRecord calls write until it succeeds, holding dispatch while it
// fails; it returns false only when the pool gave up (Close). what names
// the write in those lines only: every transition passes here, and most
// succeed at once.
func (p *Pool) retryRecord(what func() string, write func(ctx context.Context) error) bool {
	failed := false
	for n := 1; ; n++ {
		err := write(p.recCtx)
		if err == nil {
			if failed {
				p.mu.Lock()
				p.releaseLocked(HoldJournal, "journal records again")
				p.unlock()
			}
			return true
		}
		if p.recCtx.Err() != nil {
			p.logNow(slog.LevelWarn, "journal: giving up on a transition: the pool is closing", "event", what(), "err", err)
			return false
		}
		failed = true
		wait := backoff(recordBackoff, recordBackoffMax, n)
		reason := "journal cannot record: " + err.Error()
		if diskfull.Is(err) {
			reason = "journal cannot record: disk full: free space; the run goes on by itself once it can write (" + err.Error() + ")"
		}
		p.mu.Lock()
		p.holdLocked(HoldJournal, reason)
		p.unlock()
		if n == 1 || n%10 == 0 {
			p.logNow(slog.LevelError, "journal write failed; dispatch held, retrying", "attempt", n, "retry_in", wait, "err", err)
		}
		if !p.sleepCtx(p.recCtx, wait) {
			p.logNow(slog.LevelWarn, "journal: giving up on a transition: the pool is closing", "event", what(), "err", err)
			return false
		}
	}
}

// sleepCtx waits d unless ctx ends first.
func (p *Pool) sleepCtx(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// taskEventLocked is the event of t in its current state, not emitted.
func (p *Pool) taskEventLocked(kind EventKind, t *task, reason string) Event {
	info := t.info()
	ev := Event{Kind: kind, Task: &info, Reason: reason, Pool: p.stateLocked()}
	if w, ok := p.workers[t.worker]; ok {
		wi := w.info()
		ev.Worker = &wi
	}
	return ev
}

// finalEventLocked is the event t's outcome res gives once recorded.
func (p *Pool) finalEventLocked(t *task, res coupa.Result) Event {
	res.PO = t.po
	if res.Finished.IsZero() {
		res.Finished = time.Now()
	}
	kind := EvTaskFinished
	if res.Status == vocab.Cancelled {
		kind = EvTaskCancelled
	}
	ev := p.taskEventLocked(kind, t, res.ErrorMessage())
	ev.Task.State = vocab.TaskDone
	ev.Task.Result = res
	ev.Task.Finished = res.Finished
	ev.Task.Worker = -1
	return ev
}

// finishRecordedLocked records t's final outcome, then applies it. The
// caller holds the lock and has taken t out of the queue or the retry set
// and fixed their counts (a running task stays in the running set until
// its outcome is applied, so a drain waits for it); the lock is released
// while the recorder writes.
func (p *Pool) finishRecordedLocked(t *task, res coupa.Result) {
	ev := p.beginSettleLocked(t, res)
	if p.rec == nil {
		p.endSettleLocked(t, ev, true)
		return
	}
	p.unlock()
	ok := p.record(ev)
	p.mu.Lock()
	p.endSettleLocked(t, ev, ok)
}

// finishRecordedAsyncLocked is finishRecordedLocked for callers that must
// not wait for the recorder (the console's commands): a goroutine of the
// pool records and applies the outcome.
func (p *Pool) finishRecordedAsyncLocked(t *task, res coupa.Result) {
	p.settleManyAsyncLocked([]*task{t}, []Event{p.beginSettleLocked(t, res)})
}

// settleManyAsyncLocked is finishRecordedAsyncLocked for many tasks at
// once: evs[i] (from beginSettleLocked) is ts[i]'s outcome; they are
// recorded in one call and applied together.
func (p *Pool) settleManyAsyncLocked(ts []*task, evs []Event) {
	if p.rec == nil {
		for i, t := range ts {
			p.endSettleLocked(t, evs[i], true)
		}
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		n := p.recordAll(evs)
		p.mu.Lock()
		defer p.unlock()
		for i, t := range ts {
			p.endSettleLocked(t, evs[i], i < n)
		}
	}()
}

// beginSettleLocked marks t as settling, so no command changes it and the
// drain waits for it, and returns the event to record.
func (p *Pool) beginSettleLocked(t *task, res coupa.Result) Event {
	t.own()
	t.settling = true
	p.settling++
	return p.finalEventLocked(t, res)
}

// endSettleLocked applies a recorded outcome. One the pool gave up
// recording (Close) is not applied: the task goes back to the queue,
// PENDING, and a re-run fetches it.
func (p *Pool) endSettleLocked(t *task, ev Event, recorded bool) {
	t.settling = false
	p.settling--
	p.leaveRunningLocked(t)
	if !recorded {
		p.requeueFrontLocked(t, "outcome not recorded: left pending")
		p.broadcastLocked()
		return
	}
	p.finishLocked(t, ev.Task.Result)
}
