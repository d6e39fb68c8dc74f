package pool

import (
	"context"
	"slices"
	"time"

	"coupatui/coupa"
	"coupatui/vocab"
)

// task is one PO's journey through the pool. Every field is guarded by the
// pool's mutex. A long run holds many tasks that only wait (100,000 queued
// is a target), so a task that never ran is small: what its attempts need
// lives in a taskRun made when it first starts, is cancelled, or is waited
// on (own); until then it points to neverRan, which is read, never written.
type task struct {
	po       string
	meta     Meta
	id       uint64
	order    int64 // FIFO order within its priority
	index    int   // position in the queue heap, -1 when not queued
	priority vocab.Priority
	state    vocab.TaskState

	// submitted is shared by the tasks of one SubmitMany: they came together.
	submitted *time.Time

	*taskRun
}

// taskRun is what a task's attempts and outcome need.
type taskRun struct {
	attempts int
	worker   int // running on this worker, -1 when none
	started  time.Time
	finished time.Time
	nextTry  time.Time
	progress *coupa.Progress // nil until the first attempt
	errors   []string
	result   *coupa.Result // nil until the first outcome

	ctx        context.Context         // the running attempt's context; nil when not running
	cancel     context.CancelCauseFunc // cancels the running attempt; nil when not running
	retryTimer *time.Timer             // pending re-entry of a Retrying task
	settling   bool                    // its outcome is being recorded: no command may change it
	pageRead   bool                    // the running attempt has read its page and only downloads (coupa.Job.PageDone)
	done       chan struct{}           // nil until Handle.Done asks for it; closed once Done
}

// neverRan is the taskRun of every task that has not started, been
// settled or been waited on: it must stay as it is (TestMain checks).
var neverRan = taskRun{worker: -1}

// own gives t a taskRun of its own before anything in it is written.
func (t *task) own() {
	if t.taskRun == &neverRan {
		r := neverRan
		t.taskRun = &r
	}
}

func (t *task) info() TaskInfo {
	return TaskInfo{
		ID:        t.id,
		PO:        t.po,
		Priority:  t.priority,
		State:     t.state,
		Attempts:  t.attempts,
		Worker:    t.worker,
		Submitted: *t.submitted,
		Started:   t.started,
		Finished:  t.finished,
		NextTry:   t.nextTry,
		Progress:  valueOf(t.progress),
		Errors:    slices.Clone(t.errors),
		Result:    valueOf(t.result),
		Meta:      Meta{Row: t.meta.Row, Hierarchy: slices.Clone(t.meta.Hierarchy)},
	}
}

// status is the word reports show for the task: its final status when
// Done, PENDING while it waits or runs.
func (t *task) status() vocab.Status {
	if t.state == vocab.TaskDone {
		return valueOf(t.result).Status
	}
	return vocab.Pending
}

// valueOf is what p points to, or T's zero value for nil.
func valueOf[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// Handle is the caller's grip on one submitted task.
type Handle struct {
	p *Pool
	t *task
}

// ID is the task's id, unique within the pool.
func (h *Handle) ID() uint64 { return h.t.id }

// PO is the task's normalised PO number.
func (h *Handle) PO() string { return h.t.po }

// Status returns a copy of the task's state.
func (h *Handle) Status() TaskInfo {
	h.p.mu.Lock()
	defer h.p.unlock()
	return h.t.info()
}

// Cancel removes a waiting task from the queue, or cancels a running one;
// a running task's browser is left usable. Cancelling a finished task is a
// no-op.
func (h *Handle) Cancel() error { return h.p.cancelTask(h.t) }

// SetPriority moves a queued task to priority p.
func (h *Handle) SetPriority(p vocab.Priority) error { return h.p.setPriority(h.t, p) }

// Wait blocks until the task is Done or ctx ends, and returns its state.
func (h *Handle) Wait(ctx context.Context) (TaskInfo, error) {
	select {
	case <-h.Done():
		return h.Status(), nil
	case <-ctx.Done():
		return h.Status(), ctx.Err()
	}
}

// Done is closed when the task becomes Done.
func (h *Handle) Done() <-chan struct{} {
	p, t := h.p, h.t
	p.mu.Lock()
	defer p.unlock()
	t.own()
	if t.done == nil { // made on first use: most tasks of a long run are never waited on
		t.done = make(chan struct{})
		if t.state == vocab.TaskDone {
			close(t.done)
		}
	}
	return t.done
}
