package pool

import (
	"fmt"
	"log/slog"
	"time"

	"coupatui/coupa"
	"coupatui/vocab"
)

// Submit queues one PO (normalised digits). A PO that already has a live
// task gets that task's handle back, unchanged.
func (p *Pool) Submit(po string, prio vocab.Priority, meta Meta) (*Handle, error) {
	hs, err := p.SubmitMany([]Item{{PO: po, Priority: prio, Meta: meta}})
	if err != nil {
		return nil, err
	}
	return hs[0], nil
}

// SubmitMany queues several POs under one lock; it validates them all
// before queueing any.
func (p *Pool) SubmitMany(items []Item) ([]*Handle, error) {
	for _, it := range items {
		if !vocab.ValidPO(it.PO) {
			return nil, fmt.Errorf("submit %q: %w (want %d or more digits)", it.PO, ErrInvalidPO, vocab.MinPODigits)
		}
		if !it.Priority.Valid() {
			return nil, fmt.Errorf("submit PO%s: invalid priority %d", it.PO, it.Priority)
		}
	}
	p.mu.Lock()
	defer p.unlock()
	if p.draining {
		return nil, ErrStopped
	}
	now := new(time.Now())
	hs := make([]*Handle, len(items))
	var (
		queued      int
		first, last string
	)
	for i, it := range items {
		if t, ok := p.tasks[it.PO]; ok && t.state != vocab.TaskDone {
			hs[i] = &Handle{p: p, t: t}
			continue
		}
		p.nextID++
		t := &task{
			id:        p.nextID,
			po:        it.PO,
			priority:  it.Priority,
			meta:      it.Meta,
			state:     vocab.TaskQueued,
			index:     -1,
			submitted: now,
			taskRun:   &neverRan,
		}
		p.tasks[t.po] = t
		p.queue.push(t)
		p.counts.Total++
		p.counts.Queued++
		if len(items) == 1 {
			p.emitTaskLocked(EvTaskQueued, t, "")
		} else {
			p.publishTaskLocked(EvTaskQueued, t, "")
		}
		if queued++; queued == 1 {
			first = t.po
		}
		last = t.po
		hs[i] = &Handle{p: p, t: t}
	}
	if len(items) > 1 && queued > 0 {
		// One line for a bulk submit: 100,000 lines naming POs the input
		// already lists would take seconds to write and tens of MB to hold.
		p.logLocked(slog.LevelDebug, fmt.Sprintf("task.queued %d POs: PO%s … PO%s", queued, first, last))
	}
	p.broadcastLocked()
	return hs, nil
}

// Lookup returns the handle of the latest task for po.
func (p *Pool) Lookup(po string) (*Handle, bool) {
	p.mu.Lock()
	defer p.unlock()
	t, ok := p.tasks[po]
	if !ok {
		return nil, false
	}
	return &Handle{p: p, t: t}, true
}

// Task returns a copy of the latest task for po.
func (p *Pool) Task(po string) (TaskInfo, bool) {
	p.mu.Lock()
	defer p.unlock()
	t, ok := p.tasks[po]
	if !ok {
		return TaskInfo{}, false
	}
	return t.info(), true
}

func (p *Pool) lookup(po string) (*task, error) {
	p.mu.Lock()
	defer p.unlock()
	t, ok := p.tasks[po]
	if !ok {
		return nil, fmt.Errorf("PO%s: %w", po, ErrUnknownTask)
	}
	return t, nil
}

// SetPriority moves po's queued task to prio.
func (p *Pool) SetPriority(po string, prio vocab.Priority) error {
	t, err := p.lookup(po)
	if err != nil {
		return err
	}
	return p.setPriority(t, prio)
}

// Cancel cancels po's task, queued or running.
func (p *Pool) Cancel(po string) error {
	t, err := p.lookup(po)
	if err != nil {
		return err
	}
	return p.cancelTask(t)
}

// Retry queues po again when its task ended in a failure (FAILED, PARTIAL,
// TIMEOUT, PR_NOT_ACCESSIBLE, CANCELLED), as a new task at the same priority.
func (p *Pool) Retry(po string) error {
	p.mu.Lock()
	t, ok := p.tasks[po]
	if !ok {
		p.unlock()
		return fmt.Errorf("PO%s: %w", po, ErrUnknownTask)
	}
	if t.state != vocab.TaskDone || valueOf(t.result).Status.Deterministic() {
		st := t.status()
		p.unlock()
		return fmt.Errorf("PO%s is %s: %w", po, st, ErrNotFailed)
	}
	prio, meta := t.priority, t.meta
	p.unlock()
	_, err := p.Submit(po, prio, meta)
	return err
}

// SetPriorityMany moves the waiting tasks of pos to prio under one lock,
// in the order given (so they keep their order at the back of prio). Tasks
// that are running, finished or unknown are skipped and counted.
func (p *Pool) SetPriorityMany(pos []string, prio vocab.Priority) (Bulk, error) {
	if !prio.Valid() {
		return Bulk{}, fmt.Errorf("set priority of %d tasks: invalid priority %d", len(pos), prio)
	}
	p.mu.Lock()
	defer p.unlock()
	var b Bulk
	for _, po := range pos {
		t, ok := p.tasks[po]
		if !ok || p.setPriorityLocked(t, prio) != nil {
			b.Skipped++
			continue
		}
		b.Changed++
	}
	return b, nil
}

// CancelMany cancels the tasks of pos under one lock: the waiting ones
// leave the queue and their outcomes are recorded together (one journal
// transaction when the recorder takes batches); running ones are stopped
// and their workers record them as they end. Finished or unknown tasks are
// skipped and counted.
func (p *Pool) CancelMany(pos []string) (Bulk, error) {
	p.mu.Lock()
	defer p.unlock()
	var b Bulk
	var settle []*task
	var evs []Event
	for _, po := range pos {
		t, ok := p.tasks[po]
		if !ok || t.settling || t.state == vocab.TaskDone {
			b.Skipped++
			continue
		}
		b.Changed++
		switch t.state {
		case vocab.TaskRunning:
			t.cancel(errCancelledByOperator)
			continue
		case vocab.TaskQueued:
			p.queue.remove(t)
			p.counts.Queued--
			settle = append(settle, t)
			evs = append(evs, p.beginSettleLocked(t, coupa.Result{PO: t.po, Status: vocab.Cancelled, Err: errCancelledByOperator}))
		case vocab.TaskRetrying:
			p.unretryLocked(t)
			res := valueOf(t.result)
			res.Status, res.Err, res.Retryable = vocab.Cancelled, errCancelledByOperator, false
			settle = append(settle, t)
			evs = append(evs, p.beginSettleLocked(t, res))
		}
	}
	if len(settle) > 0 {
		p.settleManyAsyncLocked(settle, evs)
	}
	return b, nil
}

func (p *Pool) setPriority(t *task, prio vocab.Priority) error {
	if !prio.Valid() {
		return fmt.Errorf("PO%s: invalid priority %d", t.po, prio)
	}
	p.mu.Lock()
	defer p.unlock()
	return p.setPriorityLocked(t, prio)
}

func (p *Pool) setPriorityLocked(t *task, prio vocab.Priority) error {
	if t.settling {
		return fmt.Errorf("PO%s is finishing: %w", t.po, ErrNotQueued)
	}
	switch t.state {
	case vocab.TaskQueued:
		if t.priority == prio {
			return nil
		}
		old := t.priority
		p.queue.reprioritise(t, prio)
		p.emitTaskLocked(EvTaskReprioritised, t, fmt.Sprintf("%s → %s", old, prio))
	case vocab.TaskRetrying:
		old := t.priority
		t.priority = prio
		p.taskChangedLocked()
		p.emitTaskLocked(EvTaskReprioritised, t, fmt.Sprintf("%s → %s", old, prio))
	default:
		return fmt.Errorf("PO%s is %s: %w", t.po, t.state, ErrNotQueued)
	}
	return nil
}

func (p *Pool) cancelTask(t *task) error {
	p.mu.Lock()
	defer p.unlock()
	if t.settling {
		return nil // its outcome is being recorded
	}
	switch t.state {
	case vocab.TaskQueued:
		p.queue.remove(t)
		p.counts.Queued--
		p.finishRecordedAsyncLocked(t, coupa.Result{PO: t.po, Status: vocab.Cancelled, Err: errCancelledByOperator})
	case vocab.TaskRetrying:
		p.unretryLocked(t)
		res := valueOf(t.result)
		res.Status, res.Err, res.Retryable = vocab.Cancelled, errCancelledByOperator, false
		p.finishRecordedAsyncLocked(t, res)
	case vocab.TaskRunning:
		t.cancel(errCancelledByOperator)
	}
	return nil
}

// unretryLocked takes a Retrying task out of the retry set.
func (p *Pool) unretryLocked(t *task) {
	t.retryTimer.Stop()
	t.retryTimer = nil
	delete(p.retrying, t.id)
	p.counts.Retrying--
	p.taskChangedLocked()
}

// Scale sets the operator's target worker count. Scaling up starts workers;
// scaling down retires idle workers first and busy ones after their task.
// Under memory pressure the pool may run fewer than the target for a while.
func (p *Pool) Scale(n int) error {
	p.mu.Lock()
	defer p.unlock()
	if n < p.cfg.MinWorkers || n > p.cfg.MaxWorkers {
		return fmt.Errorf("scale to %d: %w (min %d, max %d)", n, ErrScaleLimit, p.cfg.MinWorkers, p.cfg.MaxWorkers)
	}
	if p.draining {
		return ErrStopped
	}
	if n == p.targetWorkers {
		return nil
	}
	old := p.targetWorkers
	p.targetWorkers = n
	p.emitPoolLocked(EvPoolScaled, fmt.Sprintf("target %d → %d workers", old, n))
	if p.began {
		p.rebalanceLocked()
	}
	return nil
}

// command runs do under the lock unless the pool drains or has stopped:
// then the operator's command is refused with ErrStopped.
func (p *Pool) command(do func()) error {
	p.mu.Lock()
	defer p.unlock()
	if p.draining {
		return ErrStopped
	}
	do()
	return nil
}

// Pause stops dispatching tasks; running tasks go on.
func (p *Pool) Pause() error {
	return p.command(func() {
		if !p.paused {
			p.paused = true
			p.emitPoolLocked(EvPoolPaused, "paused by operator")
		}
	})
}

// Resume restarts dispatching after Pause. It also releases the holds the
// operator clears by hand (disk full: space was freed; journal: the cause
// was fixed); if the cause is still there, the next write holds again.
func (p *Pool) Resume() error {
	return p.command(func() {
		for _, h := range []Hold{HoldDiskFull, HoldJournal} {
			p.releaseLocked(h, "resumed by operator: "+h.String()+" cleared")
		}
		if p.paused {
			p.paused = false
			p.emitPoolLocked(EvPoolResumed, "resumed by operator")
			p.broadcastLocked()
		}
	})
}

// Reauthenticate tells the pool the operator signed in again: every browser
// is restarted on a fresh clone of the base profile and dispatch resumes.
func (p *Pool) Reauthenticate() error {
	return p.command(func() {
		for _, w := range p.workers {
			if w.state != WorkerStopped {
				w.recycleReason = "signed in again: fresh profile"
			}
		}
		p.checkedAuth = false
		p.releaseLocked(HoldSignIn, "operator signed in again; restarting browsers")
		p.broadcastLocked()
	})
}

// Subscribe returns a new subscription to the pool's events holding up to
// buffer undelivered events (0 = DefaultEventBuffer) before shedding
// progress. A subscription made after the pool stopped is closed at once.
func (p *Pool) Subscribe(buffer int) *Subscription {
	s := newSubscription(buffer)
	p.mu.Lock()
	defer p.unlock()
	if p.finished {
		s.end()
		return s
	}
	p.subs[s] = struct{}{}
	return s
}

// Events is Subscribe(DefaultEventBuffer).
func (p *Pool) Events() *Subscription { return p.Subscribe(0) }
