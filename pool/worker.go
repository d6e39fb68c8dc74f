package pool

import (
	"log/slog"
	"sync"
	"time"
)

// A worker and its life: the goroutine that keeps a browser and feeds it
// tasks, and how it leaves the pool.

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
	// ones only download (see hasRoomLocked).
	tasks []*task
	since time.Time

	tasksDone     int
	sinceLaunch   int // tasks since its browser started
	restarts      int
	recycles      int
	failures      int    // consecutive launch failures or crashes, for backoff
	pingFails     int    // consecutive failed health checks
	recycleReason string // restart the browser between tasks, and why ("" = no)
	printing      int    // PrintPDF calls running in its browser
	retire        bool   // leave the pool after the current task
	lastErr       string
	mem           uint64
	memKind       string
	cpu           float64
}

// remote reports whether w's browser is a slot of a remote endpoint, and
// which one: its index in Config.Endpoints.
func (w *worker) remote() (endpoint int, ok bool) { return w.endpoint - 1, w.endpoint != 0 }

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
			wi.Tasks[i] = WorkerTask{ID: t.id, PO: t.po, Started: t.started, Progress: valueOf(t.progress), PageRead: t.pageRead}
		}
	}
	return wi
}

func (p *Pool) setWorkerStateLocked(w *worker, s WorkerState, kind EventKind, reason string) {
	w.state = s
	w.since = time.Now()
	p.emitWorkerLocked(kind, w, reason)
}

// runWorker is a worker's goroutine: keep a browser, take tasks and run
// each in an attempt goroutine of its own, which it owns: it takes the next
// task while the ones it holds only download (pipeline_depth), and it
// waits for every attempt on a browser before it recycles, relaunches or
// closes that browser.
func (p *Pool) runWorker(w *worker) {
	defer p.wg.Done()
	defer p.removeWorker(w)
	var attempts sync.WaitGroup // attempts, and the session check, on the current browser
	for {
		if !p.ensureBrowser(w, &attempts) {
			return
		}
		for {
			t, b := p.nextTask(w)
			if t == nil {
				break // the browser died, must be recycled, or w must leave
			}
			attempts.Go(func() { p.runTask(w, b, t) })
		}
		attempts.Wait()
		if p.mustLeave(w) {
			return
		}
	}
}

// mustLeave reports whether w retires or the pool drains.
func (p *Pool) mustLeave(w *worker) bool {
	p.mu.Lock()
	defer p.unlock()
	return w.retire || p.draining
}

// removeWorker closes w's browser and removes w from the pool.
func (p *Pool) removeWorker(w *worker) {
	p.mu.Lock()
	b := w.b
	w.b = nil
	p.unlock()
	if b != nil {
		p.closeBrowser(w, b)
	}
	p.mu.Lock()
	defer p.unlock()
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
		p.logNow(slog.LevelWarn, "closing browser", "worker", w.id, "err", err)
	}
}

// isClosed reports whether ch is closed, without waiting.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
