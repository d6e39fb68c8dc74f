package pool

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"coupatui/coupa"
	"coupatui/internal/panics"
	"coupatui/vocab"
)

// worker is one persistent browser and the goroutine that feeds it. The
// goroutine owns the browser's life (launch, close); every field is guarded
// by the pool's mutex so the supervisor and snapshots can read them.
type worker struct {
	id       int
	endpoint int // 0: a local browser; i+1: a slot of Config.Endpoints[i]
	state    WorkerState
	b        Browser // nil while launching or restarting
	launched bool    // its browser started at least once
	// tasks are the tasks it holds, oldest first: at most pipeline_depth.
	// Only the newest may still be loading or reading its page; the older
	// ones only download (see roomLocked).
	tasks []*task
	since time.Time

	tasksDone   int
	sinceLaunch int // tasks since its browser started
	restarts    int
	recycles    int
	failures    int    // consecutive launch failures or crashes, for backoff
	pingFails   int    // consecutive failed health checks
	recycle     string // restart the browser between tasks, and why ("" = no)
	printing    int    // PrintPDF calls running in its browser
	retire      bool   // leave the pool after the current task
	lastErr     string
	mem         uint64
	memKind     string
	cpu         float64
}

func (w *worker) info() WorkerInfo {
	wi := WorkerInfo{
		ID:        w.id,
		State:     w.state,
		TasksDone: w.tasksDone,
		Restarts:  w.restarts,
		Recycles:  w.recycles,
		MemBytes:  w.mem,
		MemKind:   w.memKind,
		CPU:       w.cpu,
		LastError: w.lastErr,
		Since:     w.since,
		Endpoint:  w.endpoint,
	}
	if w.b != nil {
		wi.PID = w.b.PID()
	}
	if n := len(w.tasks); n > 0 {
		t := w.tasks[n-1]
		wi.Task, wi.PO, wi.TaskStart, wi.Progress = t.id, t.po, t.started, valueOf(t.progress)
		wi.Tasks = make([]WorkerTask, n)
		for i, t := range w.tasks {
			wi.Tasks[i] = WorkerTask{ID: t.id, PO: t.po, Started: t.started, Progress: valueOf(t.progress), PageRead: t.paged}
		}
	}
	return wi
}

func (p *Pool) setWorkerStateLocked(w *worker, s WorkerState, kind EventKind, reason string) {
	w.state = s
	w.since = time.Now()
	p.emitWorkerLocked(kind, w, reason)
}

// effectiveLocked is how many workers the pool should run now: the
// operator's target, bounded by the memory policy.
func (p *Pool) effectiveLocked() int {
	return max(p.cfg.MinWorkers, min(p.target, p.policy.ceiling, p.cfg.MaxWorkers))
}

// rebalanceLocked starts or retires workers until the live count matches
// the effective count. Idle workers retire first, then the newest busy ones.
func (p *Pool) rebalanceLocked() {
	if p.draining {
		return
	}
	want := p.effectiveLocked()
	var live []*worker // local workers: remote slots are fixed
	for _, w := range p.workers {
		if w.state != WorkerStopped && !w.retire && w.endpoint == 0 {
			live = append(live, w)
		}
	}
	for n := len(live); n < want; n++ {
		p.spawnLocked(0)
	}
	for n := len(live); n > want; n-- {
		w := pickRetiree(live)
		live = remove(live, w)
		w.retire = true
		w.state, w.since = WorkerRetiring, time.Now()
	}
	p.broadcastLocked()
}

// pickRetiree prefers a worker with no task, then the newest.
func pickRetiree(ws []*worker) *worker {
	best := ws[0]
	for _, w := range ws[1:] {
		idle, bestIdle := len(w.tasks) == 0, len(best.tasks) == 0
		if idle && !bestIdle || idle == bestIdle && w.id > best.id {
			best = w
		}
	}
	return best
}

func remove(ws []*worker, w *worker) []*worker {
	for i := range ws {
		if ws[i] == w {
			return append(ws[:i], ws[i+1:]...)
		}
	}
	return ws
}

// spawnRemoteLocked starts one worker per slot of every endpoint, once.
func (p *Pool) spawnRemoteLocked() {
	for i, e := range p.cfg.Endpoints {
		for range e.Slots {
			p.spawnLocked(i + 1)
		}
	}
}

func (p *Pool) spawnLocked(endpoint int) {
	p.nextWorker++
	w := &worker{id: p.nextWorker, endpoint: endpoint, state: WorkerStarting, since: time.Now()}
	p.workers[w.id] = w
	p.emitWorkerLocked(EvWorkerStarting, w, "")
	p.wg.Add(1)
	go p.runWorker(w)
}

// runWorker is a worker's goroutine: keep a browser, take tasks and run
// each in an attempt goroutine of its own, which it owns: it takes the next
// task while the ones it holds only download (pipeline_depth), and it
// waits for every attempt on a browser before it recycles, relaunches or
// closes that browser.
func (p *Pool) runWorker(w *worker) {
	defer p.wg.Done()
	defer p.retireWorker(w)
	var attempts sync.WaitGroup // attempts, and the session check, on the current browser
	for {
		if !p.ensureBrowser(w, &attempts) {
			return
		}
		for {
			t, b := p.next(w)
			if t == nil {
				break // the browser died, must be recycled, or w must leave
			}
			attempts.Go(func() { p.runTask(w, b, t) })
		}
		attempts.Wait()
		if p.leaving(w) {
			return
		}
	}
}

func (p *Pool) leaving(w *worker) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return w.retire || p.draining
}

// ensureBrowser returns with a live browser in w.b, recycling or relaunching
// as needed, or false when the worker must leave. A browser that should
// check the session does it in a goroutine counted in checks, beside the
// worker's first POs: a PO that meets the sign-in wall goes back to the
// queue anyway, so nothing needs to wait for the check.
func (p *Pool) ensureBrowser(w *worker, checks *sync.WaitGroup) bool {
	p.mu.Lock()
	b, why := w.b, w.recycle
	dead := b != nil && closed(b.Done())
	switch {
	case dead && w.endpoint != 0:
		w.b = nil
		w.restarts++
		w.failures++
		w.lastErr = "remote browser lost"
		if e, ok := b.(interface{ Err() error }); ok && e.Err() != nil {
			w.lastErr = e.Err().Error() // names the endpoint by host only
		}
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
	w.recycle = ""
	p.mu.Unlock()
	if b != nil {
		p.closeBrowser(w, b)
	}

	for {
		p.mu.Lock()
		if w.retire || p.draining {
			p.mu.Unlock()
			return false
		}
		if w.b != nil {
			p.mu.Unlock()
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
			p.mu.Unlock()
			if !p.sleep(w, wait) {
				return false
			}
			p.mu.Lock()
		}
		if w.state != WorkerStarting {
			p.setWorkerStateLocked(w, WorkerStarting, EvWorkerStarting, "")
		}
		p.mu.Unlock()

		ctx, cancel := context.WithTimeout(p.runCtx, p.cfg.StartupTimeout)
		var b Browser
		var err error
		if w.endpoint != 0 {
			b, err = p.engine.(RemoteEngine).LaunchRemote(ctx, w.id, w.endpoint-1) // New checked it is one
		} else {
			b, err = p.engine.Launch(ctx, w.id)
		}
		cancel()

		p.mu.Lock()
		if err != nil {
			w.failures++
			w.lastErr = err.Error()
			p.lastLaunch = err
			what := "launch failed: "
			if w.endpoint != 0 {
				what = "down: " + p.cfg.Endpoints[w.endpoint-1].Name + " unreachable: "
			}
			p.log.Warn("browser did not start", "worker", w.id, "err", err)
			p.emitWorkerLocked(EvWorkerCrashed, w, what+err.Error())
			p.mu.Unlock()
			continue
		}
		w.b = b
		w.launched = true
		w.sinceLaunch = 0
		w.pingFails = 0
		check := !p.checkedAuth && !p.checking
		p.checking = p.checking || check
		ready := fmt.Sprintf("browser pid %d", b.PID())
		if w.endpoint != 0 {
			ready = "connected to " + p.cfg.Endpoints[w.endpoint-1].Name
		}
		w.lastErr = ""
		p.setWorkerStateLocked(w, WorkerIdle, EvWorkerReady, ready)
		p.broadcastLocked()
		p.mu.Unlock()
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
	defer p.mu.Unlock()
	p.checking = false
	switch {
	case err == nil:
		p.checkedAuth = true
		p.emitWorkerLocked(EvSessionChecked, w, fmt.Sprintf("signed in (checked in %s)", time.Since(began).Round(time.Millisecond)))
	case errors.Is(err, coupa.ErrSignInRequired):
		p.holdLocked(HoldSignIn, fmt.Sprintf("worker %d: Coupa shows its sign-in wall: run `coupatui login`, then resume", w.id))
	default:
		p.log.Warn("session check failed", "worker", w.id, "err", err)
	}
}

// sleep waits d unless the worker must leave first.
func (p *Pool) sleep(w *worker, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		p.mu.Lock()
		if w.retire || p.draining {
			p.mu.Unlock()
			return false
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-timer.C:
			return true
		case <-ch:
		}
	}
}

// next blocks until w may take a task and returns it, already marked
// running on w; it returns nil when w must leave, recycle or relaunch.
func (p *Pool) next(w *worker) (*task, Browser) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		b := w.b
		if w.retire || p.draining || w.recycle != "" || b == nil || closed(b.Done()) {
			return nil, nil
		}
		if p.dispatchingLocked() && p.roomLocked(w) {
			if t := p.queue.pop(); t != nil {
				p.startLocked(w, t)
				return t, b
			}
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-b.Done():
		}
		p.mu.Lock()
	}
}

// roomLocked reports whether w may take one more task: it holds fewer
// than pipeline_depth, and each one it holds has read its page, so the
// browser has nothing but downloads to do for them.
func (p *Pool) roomLocked(w *worker) bool {
	if len(w.tasks) >= p.cfg.PipelineDepth {
		return false
	}
	for _, t := range w.tasks {
		if !t.paged {
			return false
		}
	}
	return true
}

// pageDone marks t's page read (coupa.Job.PageDone): its worker may take
// the next task while t downloads.
func (p *Pool) pageDone(w *worker, t *task) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.state != vocab.TaskRunning || t.worker != w.id || t.paged {
		return
	}
	t.paged = true
	if p.cfg.PipelineDepth > 1 {
		p.emitWorkerLocked(EvWorkerBusy, w, "PO"+t.po+" downloading; the browser may open the next PO")
	}
	p.broadcastLocked()
}

func (p *Pool) startLocked(w *worker, t *task) {
	ctx, cancel := context.WithCancelCause(p.runCtx)
	t.state = vocab.TaskRunning
	t.worker = w.id
	t.attempts++
	t.started = time.Now()
	t.progress = &coupa.Progress{Phase: "opening"}
	t.cancel = cancel
	p.running[t.id] = t
	p.counts.Queued--
	p.counts.Running++
	t.paged = false
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
	p.mu.Unlock()

	if !p.record(started) {
		p.mu.Lock()
		defer p.mu.Unlock()
		t.cancel(nil)
		t.ctx, t.cancel = nil, nil
		t.attempts--
		w.dropTaskLocked(t)
		p.requeueFrontLocked(t, "attempt not recorded: left pending")
		p.idleIfFreeLocked(w)
		p.broadcastLocked()
		return
	}
	p.mu.Lock()
	p.emitLocked(started)
	p.emitWorkerLocked(EvWorkerBusy, w, "PO"+t.po)
	p.mu.Unlock()

	ctx, stop := context.WithTimeoutCause(ctx, p.cfg.TaskTimeout, errTaskTimeout)
	res := p.process(ctx, w, b, job, func(pr coupa.Progress) {
		if pr.Saved != nil {
			// A file complete on disk: recorded before it is shown, so a
			// retry or a re-run keeps it.
			p.mu.Lock()
			ev := p.taskEventLocked(EvTaskProgress, t, "")
			ev.Task.Progress = pr
			p.mu.Unlock()
			p.record(ev)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if t.state == vocab.TaskRunning {
			t.progress = &pr
			p.emitTaskLocked(EvTaskProgress, t, "")
		}
	})
	cause := context.Cause(ctx)
	stop()

	p.mu.Lock()
	defer p.mu.Unlock()
	t.ctx = nil
	t.cancel = nil
	w.tasksDone++
	w.sinceLaunch++
	crashed := closed(b.Done())
	p.settleLocked(t, res, cause, crashReason(w, b, crashed)) // may release the lock while the outcome is recorded
	w.dropTaskLocked(t)

	switch {
	case crashed: // ensureBrowser counts the crash and relaunches
	case panics.Of(res.Err) != nil:
		// What the panic left half-done lives in the browser: a new one
		// takes the next task.
		w.recycle = "restarted after a panic in PO" + t.po
		w.failures = 0
	case p.cfg.RecycleAfterTasks > 0 && w.sinceLaunch >= p.cfg.RecycleAfterTasks && w.recycle == "":
		w.recycle = fmt.Sprintf("recycled after %d tasks", w.sinceLaunch)
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
		p.log.Error("panic while processing a PO", "po", job.PO, "worker", w.id, "panic", pe.Value, "stack", string(pe.Stack))
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
	case IsDiskFull(res.Err):
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
	p.counts.Retrying++
	t.retryTimer = time.AfterFunc(wait, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
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

// retireWorker closes w's browser and removes w from the pool.
func (p *Pool) retireWorker(w *worker) {
	p.mu.Lock()
	b := w.b
	w.b = nil
	p.mu.Unlock()
	if b != nil {
		p.closeBrowser(w, b)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.workers, w.id)
	w.state, w.since = WorkerStopped, time.Now()
	p.emitWorkerLocked(EvWorkerRetired, w, "stopped")
	p.broadcastLocked()
}

func (p *Pool) closeBrowser(w *worker, b Browser) {
	p.waitPrints(w)
	if p.mon != nil {
		p.mon.Untrack(w.id)
	}
	if err := b.Close(); err != nil {
		p.log.Warn("closing browser", "worker", w.id, "err", err)
	}
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
