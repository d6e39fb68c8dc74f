package pool

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"coupatui/coupa"
	"coupatui/internal/panics"
	"coupatui/vocab"
)

// Dispatch and the attempt: a worker takes the next task it has room for
// and runs one attempt of it in a goroutine of its own.

// nextTask blocks until w may take a task and returns it, already marked
// running on w; it returns nil when w must leave, recycle or relaunch.
func (p *Pool) nextTask(w *worker) (*task, Browser) {
	p.mu.Lock()
	defer p.unlock()
	for {
		b := w.b
		if w.retire || p.draining || w.recycleReason != "" || b == nil || isClosed(b.Done()) {
			return nil, nil
		}
		if p.dispatchingLocked() && p.hasRoomLocked(w) {
			if t := p.queue.pop(); t != nil {
				p.startLocked(w, t)
				return t, b
			}
		}
		ch := p.changed
		p.unlock()
		select {
		case <-ch:
		case <-b.Done():
		}
		p.mu.Lock()
	}
}

// hasRoomLocked reports whether w may take one more task: it holds fewer
// than pipeline_depth, and each one it holds has read its page, so the
// browser has nothing but downloads to do for them.
func (p *Pool) hasRoomLocked(w *worker) bool {
	if len(w.tasks) >= p.cfg.PipelineDepth {
		return false
	}
	for _, t := range w.tasks {
		if !t.pageRead {
			return false
		}
	}
	return true
}

// pageDone marks t's page read (coupa.Job.PageDone): its worker may take
// the next task while t downloads. A PO page read as one, sign-in wall
// absent, is the session check of a new browser: no page of its own.
func (p *Pool) pageDone(w *worker, t *task) {
	p.mu.Lock()
	defer p.unlock()
	if t.state != vocab.TaskRunning || t.worker != w.id || t.pageRead {
		return
	}
	t.pageRead = true
	if !p.checkedAuth {
		p.checkedAuth = true
		p.emitWorkerLocked(EvSessionChecked, w, fmt.Sprintf("signed in (PO%s's page showed)", t.po))
	}
	if p.cfg.PipelineDepth > 1 {
		p.emitWorkerLocked(EvWorkerBusy, w, "PO"+t.po+" downloading; the browser may open the next PO")
	}
	p.broadcastLocked()
}

func (p *Pool) startLocked(w *worker, t *task) {
	ctx, cancel := context.WithCancelCause(p.runCtx)
	t.own()
	t.state = vocab.TaskRunning
	t.worker = w.id
	t.attempts++
	t.started = time.Now()
	t.progress = &coupa.Progress{Phase: "opening"}
	t.cancel = cancel
	p.running[t.id] = t
	p.taskChangedLocked()
	p.counts.Queued--
	p.counts.Running++
	t.pageRead = false
	w.tasks = append(w.tasks, t)
	if w.state != WorkerBusy {
		w.state, w.since = WorkerBusy, time.Now()
	}
	t.ctx = ctx
}

// dropTaskLocked takes t out of the tasks w holds.
func (w *worker) dropTaskLocked(t *task) {
	if i := slices.Index(w.tasks, t); i >= 0 {
		w.tasks = slices.Delete(w.tasks, i, i+1)
	}
}

// leaveRunningLocked takes t out of the running set, if it is there.
func (p *Pool) leaveRunningLocked(t *task) {
	if _, ok := p.running[t.id]; ok {
		delete(p.running, t.id)
		p.counts.Running--
		p.taskChangedLocked()
	}
}

// runTask runs one attempt of t on w's browser b and decides what follows;
// it is t's attempt goroutine, owned by w's goroutine. The attempt is
// recorded before the browser opens the page.
func (p *Pool) runTask(w *worker, b Browser, t *task) {
	p.mu.Lock()
	ctx := t.ctx
	job := coupa.Job{PO: t.po, Hierarchy: t.meta.Hierarchy, PageDone: func() { p.pageDone(w, t) }}
	started := p.taskEventLocked(EvTaskStarted, t, fmt.Sprintf("attempt %d", t.attempts))
	p.unlock()

	if !p.record(started) {
		p.mu.Lock()
		defer p.unlock()
		t.cancel(nil)
		t.ctx, t.cancel = nil, nil
		t.attempts--
		w.dropTaskLocked(t)
		p.requeueFrontLocked(t, "attempt not recorded: left pending") // its push counts the change
		p.idleIfFreeLocked(w)
		p.broadcastLocked()
		return
	}
	p.mu.Lock()
	p.emitLocked(started)
	p.emitWorkerLocked(EvWorkerBusy, w, "PO"+t.po)
	p.unlock()

	ctx, stop := context.WithTimeoutCause(ctx, p.cfg.TaskTimeout, errTaskTimeout)
	res := p.process(ctx, w, b, job, func(pr coupa.Progress) {
		if pr.Saved != nil {
			// A file complete on disk: recorded before it is shown, so a
			// retry or a re-run keeps it.
			p.mu.Lock()
			ev := p.taskEventLocked(EvTaskProgress, t, "")
			ev.Task.Progress = pr
			p.unlock()
			p.record(ev)
		}
		p.mu.Lock()
		defer p.unlock()
		if t.state == vocab.TaskRunning {
			t.progress = &pr
			p.taskChangedLocked()
			p.emitTaskLocked(EvTaskProgress, t, "")
		}
	})
	cause := context.Cause(ctx)
	stop()

	p.mu.Lock()
	defer p.unlock()
	t.ctx = nil
	t.cancel = nil
	w.tasksDone++
	w.sinceLaunch++
	crashed := isClosed(b.Done())
	p.settleLocked(t, res, cause, crashReason(w, b, crashed)) // may release the lock while the outcome is recorded
	w.dropTaskLocked(t)

	switch {
	case crashed: // ensureBrowser counts the crash and relaunches
	case panics.Of(res.Err) != nil:
		// What the panic left half-done lives in the browser: a new one
		// takes the next task.
		w.recycleReason = "restarted after a panic in PO" + t.po
		w.failures = 0
	case p.cfg.RecycleAfterTasks > 0 && w.sinceLaunch >= p.cfg.RecycleAfterTasks && w.recycleReason == "":
		w.recycleReason = fmt.Sprintf("recycled after %d tasks", w.sinceLaunch)
		w.failures = 0
	default:
		w.failures = 0
	}
	p.idleIfFreeLocked(w)
	p.broadcastLocked()
}

// idleIfFreeLocked shows w idle once it holds no task.
func (p *Pool) idleIfFreeLocked(w *worker) {
	if !w.retire && len(w.tasks) == 0 {
		p.setWorkerStateLocked(w, WorkerIdle, EvWorkerIdle, "")
	}
}

// process runs one attempt on b. A panic in it (or in a goroutine it
// started that hands its panic back as an error) is one failed attempt,
// retried like a transient failure; the stack goes to the log.
func (p *Pool) process(ctx context.Context, w *worker, b Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	res := processOnce(ctx, b, job, progress)
	if pe := panics.Of(res.Err); pe != nil {
		p.logNow(slog.LevelError, "panic while processing a PO", "po", job.PO, "worker", w.id, "panic", pe.Value, "stack", string(pe.Stack))
	}
	return res
}

// processOnce is b.Process with a panic turned into a retryable FAILED.
func processOnce(ctx context.Context, b Browser, job coupa.Job, progress func(coupa.Progress)) (res coupa.Result) {
	defer func() {
		if v := recover(); v != nil {
			res = coupa.Result{PO: job.PO, Status: vocab.Failed, Err: panics.New(v), Retryable: true, Finished: time.Now()}
		}
	}()
	return b.Process(ctx, job, progress)
}
