package pool

import (
	"context"
	"log/slog"
	"time"

	"coupatui/coupa"
	"coupatui/vocab"
)

// stateLocked derives the pool's state from its flags.
func (p *Pool) stateLocked() PoolState {
	switch {
	case p.finished:
		return PoolStopped
	case p.draining:
		return PoolDraining
	case p.signedOutLocked():
		return PoolSignInRequired
	case p.paused || p.policy.paused || len(p.holds) > 0:
		return PoolPaused
	case !p.startReturned:
		return PoolStarting
	}
	return PoolRunning
}

// dispatchingLocked reports whether idle workers may take tasks.
func (p *Pool) dispatchingLocked() bool {
	return !p.draining && len(p.holds) == 0 && !p.paused && !p.policy.paused
}

// signedOutLocked reports whether Coupa's sign-in wall holds dispatch.
func (p *Pool) signedOutLocked() bool {
	_, ok := p.holds[HoldSignIn]
	return ok
}

// taskChangedLocked notes a change to what Tasks or Task shows that the
// queue did not count: a console compares taskGenLocked to re-read its page
// only then.
func (p *Pool) taskChangedLocked() { p.taskChanges++ }

// taskGenLocked changes whenever what Tasks or Task returns may have: the
// queue changed, or a task's state, priority, progress, errors or outcome.
// Both counters only grow, so their sum does too.
func (p *Pool) taskGenLocked() uint64 { return p.queue.version + p.taskChanges }

// broadcastLocked wakes every goroutine waiting for a change.
func (p *Pool) broadcastLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *Pool) emitLocked(ev Event) {
	ev = p.publishLocked(ev)
	switch {
	case ev.Kind == EvTaskProgress:
	case ev.Task == nil || ev.Kind == EvPolicy || ev.Kind == EvWorkerCrashed:
		// Pool-wide changes and decisions are news; the rest is detail.
		p.logLocked(slog.LevelInfo, ev.String())
	default:
		p.logLocked(slog.LevelDebug, ev.String())
	}
}

// publishLocked stamps ev and hands it to every subscriber; emitLocked
// also logs it.
func (p *Pool) publishLocked(ev Event) Event {
	p.seq++
	ev.Seq = p.seq
	ev.Time = time.Now()
	ev.Pool = p.stateLocked()
	for s := range p.subs {
		s.publish(ev)
	}
	return ev
}

func (p *Pool) emitTaskLocked(kind EventKind, t *task, reason string) {
	// Task events are many (one per PO queued): skip copying the task when
	// nobody subscribes and the log takes no Debug lines.
	if len(p.subs) == 0 && !p.log.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	p.emitLocked(p.taskEventLocked(kind, t, reason))
}

// publishTaskLocked is emitTaskLocked without the log line: a bulk submit
// logs one line for all its tasks.
func (p *Pool) publishTaskLocked(kind EventKind, t *task, reason string) {
	if len(p.subs) > 0 {
		p.publishLocked(p.taskEventLocked(kind, t, reason))
	}
}

func (p *Pool) emitWorkerLocked(kind EventKind, w *worker, reason string) {
	wi := w.info()
	p.emitLocked(Event{Kind: kind, Worker: &wi, Reason: reason})
}

func (p *Pool) emitPoolLocked(kind EventKind, reason string) {
	p.reason = reason
	p.emitLocked(Event{Kind: kind, Reason: reason})
}

// finishLocked makes t Done with res. The caller has already taken t out of
// the queue, the retry set or the running set and fixed the counts of its
// previous state.
func (p *Pool) finishLocked(t *task, res coupa.Result) {
	res.PO = t.po
	if res.Finished.IsZero() {
		res.Finished = time.Now()
	}
	t.own()
	t.state = vocab.TaskDone
	t.result = &res
	t.finished = res.Finished
	t.worker = -1
	t.cancel = nil
	p.done = append(p.done, t)
	p.taskChangedLocked()
	p.counts.Done++
	p.counts.ByStatus[res.Status]++
	if t.done != nil {
		close(t.done)
	}
	kind := EvTaskFinished
	if res.Status == vocab.Cancelled {
		kind = EvTaskCancelled
	}
	p.emitTaskLocked(kind, t, res.ErrorMessage())
	p.broadcastLocked()
}
