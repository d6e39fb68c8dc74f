package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/sheet"
)

// fakePool behaves like pool.Pool for the console's commands (display
// order, priorities, cancel, retry, scale limits, errors, a two-step
// Shutdown) without browsers, and records every command it receives.
type fakePool struct {
	mu      sync.Mutex // guards everything below
	now     func() time.Time
	tasks   map[string]*pool.TaskInfo // latest task per PO
	all     []*pool.TaskInfo          // every task, by ID
	nextID  uint64
	display []*pool.TaskInfo // cached display order; nil when stale
	counts  *pool.Counts     // cached; nil when stale

	workers        []pool.WorkerInfo
	state          pool.PoolState
	target         int
	minW, maxW     int
	res            pool.Resources
	started        time.Time
	drainDeadline  time.Time
	calls          []string
	shutdowns      int
	release        chan struct{} // closed to let a graceful Shutdown return
	shutdownCalled chan struct{} // closed by the first Shutdown
	forced         bool
}

func newFakePool(now func() time.Time) *fakePool {
	return &fakePool{
		now:            now,
		tasks:          map[string]*pool.TaskInfo{},
		state:          pool.PoolRunning,
		minW:           1,
		maxW:           8,
		started:        now().Add(-75 * time.Second),
		release:        make(chan struct{}),
		shutdownCalled: make(chan struct{}),
		res: pool.Resources{UsagePercent: 62, AvailableBytes: 3 << 30, TotalBytes: 8 << 30,
			CPUPercent: 31, Pressure: "ok", MemKind: "pss"},
	}
}

func (f *fakePool) record(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// Calls returns the commands received so far.
func (f *fakePool) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakePool) stale() { f.display, f.counts = nil, nil }

// addTask puts a task straight into a state, as a test fixture.
func (f *fakePool) addTask(po string, prio pool.Priority, state pool.TaskState, mutate func(*pool.TaskInfo)) *pool.TaskInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	t := &pool.TaskInfo{ID: f.nextID, PO: po, Priority: prio, State: state, Worker: -1,
		Submitted: f.now().Add(-time.Duration(100-f.nextID%100) * time.Second)}
	if mutate != nil {
		mutate(t)
	}
	f.tasks[po] = t
	f.all = append(f.all, t)
	f.stale()
	return t
}

// setWorkers installs n workers; busy ones run the first running tasks.
func (f *fakePool) setWorkers(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.target = n
	f.workers = f.workers[:0]
	var running []*pool.TaskInfo
	for _, t := range f.all {
		if t.State == pool.Running {
			running = append(running, t)
		}
	}
	for i := range n {
		w := pool.WorkerInfo{ID: i + 1, State: pool.WorkerIdle, PID: 4000 + i, MemBytes: uint64(300+40*i) << 20,
			MemKind: "pss", TasksDone: 10 + i, Restarts: i % 2, Since: f.now().Add(-time.Minute)}
		if i < len(running) {
			t := running[i]
			t.Worker = w.ID
			w.State, w.Task, w.PO, w.TaskStart, w.Progress = pool.WorkerBusy, t.ID, t.PO, t.Started, t.Progress
		}
		f.workers = append(f.workers, w)
	}
}

func (f *fakePool) Snapshot() pool.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.counts == nil {
		c := pool.Counts{ByStatus: map[coupa.Status]int{}}
		for _, t := range f.tasks {
			c.Total++
			switch t.State {
			case pool.Queued:
				c.Queued++
			case pool.Running:
				c.Running++
			case pool.Retrying:
				c.Retrying++
			case pool.Done:
				c.Done++
				c.ByStatus[t.Result.Status]++
			}
		}
		f.counts = &c
	}
	alive := 0
	for _, w := range f.workers {
		if w.State != pool.WorkerStopped {
			alive++
		}
	}
	now := f.now()
	return pool.Snapshot{
		Taken: now, State: f.state, Started: f.started, Uptime: now.Sub(f.started),
		Workers: slices.Clone(f.workers), WorkerCount: alive, TargetWorkers: f.target, Effective: f.target,
		MinWorkers: f.minW, MaxWorkers: f.maxW, Counts: *f.counts, Resources: f.res,
		DrainDeadline: f.drainDeadline,
	}
}

// order builds the display order the real pool uses.
func (f *fakePool) order() []*pool.TaskInfo {
	if f.display != nil {
		return f.display
	}
	var running, queued, retrying, done []*pool.TaskInfo
	for _, t := range f.all {
		if f.tasks[t.PO] != t {
			continue // superseded by a newer task for the same PO
		}
		switch t.State {
		case pool.Running:
			running = append(running, t)
		case pool.Queued:
			queued = append(queued, t)
		case pool.Retrying:
			retrying = append(retrying, t)
		case pool.Done:
			done = append(done, t)
		}
	}
	slices.SortStableFunc(running, func(a, b *pool.TaskInfo) int { return a.Started.Compare(b.Started) })
	slices.SortStableFunc(queued, func(a, b *pool.TaskInfo) int {
		return cmp.Or(cmp.Compare(b.Priority, a.Priority), cmp.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(retrying, func(a, b *pool.TaskInfo) int { return a.NextTry.Compare(b.NextTry) })
	slices.SortStableFunc(done, func(a, b *pool.TaskInfo) int { return b.Finished.Compare(a.Finished) })
	f.display = slices.Concat(running, queued, retrying, done)
	return f.display
}

func (f *fakePool) Tasks(q pool.TaskQuery) pool.TaskPage {
	f.mu.Lock()
	defer f.mu.Unlock()
	needle := strings.ToLower(strings.TrimSpace(q.Filter))
	var page pool.TaskPage
	for _, t := range f.order() {
		if t.State == pool.Done && !q.IncludeDone {
			continue
		}
		if needle != "" && !strings.Contains(t.PO, needle) && !strings.Contains(strings.ToLower(string(t.Result.Status)), needle) &&
			!strings.Contains(t.State.String(), needle) && !strings.Contains(strings.ToLower(t.Priority.String()), needle) {
			continue
		}
		if page.Total >= q.Offset && (q.Limit <= 0 || len(page.Tasks) < q.Limit) {
			c := *t
			page.Tasks = append(page.Tasks, c)
		}
		page.Total++
		// Without a filter the rest only needs counting.
		if needle == "" && q.Limit > 0 && len(page.Tasks) == q.Limit && q.IncludeDone {
			page.Total = len(f.display)
			break
		}
	}
	return page
}

func (f *fakePool) Task(po string) (pool.TaskInfo, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tasks[po]
	if !ok {
		return pool.TaskInfo{}, false
	}
	return *t, true
}

func (f *fakePool) Submit(po string, prio pool.Priority, meta pool.Meta) (*pool.Handle, error) {
	if _, ok := sheet.NormalizePO(po); !ok || strings.TrimLeft(po, "0123456789") != "" {
		return nil, fmt.Errorf("submit %q: %w", po, pool.ErrInvalidPO)
	}
	f.mu.Lock()
	f.record("Submit %s %s", po, prio)
	if f.state == pool.PoolDraining || f.state == pool.PoolStopped {
		f.mu.Unlock()
		return nil, pool.ErrStopped
	}
	if t, ok := f.tasks[po]; ok && t.State != pool.Done {
		f.mu.Unlock()
		return &pool.Handle{}, nil
	}
	f.mu.Unlock()
	f.addTask(po, prio, pool.Queued, func(t *pool.TaskInfo) { t.Meta = meta; t.Submitted = f.now() })
	return &pool.Handle{}, nil
}

func (f *fakePool) SetPriority(po string, prio pool.Priority) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SetPriority %s %s", po, prio)
	t, ok := f.tasks[po]
	if !ok {
		return fmt.Errorf("PO%s: %w", po, pool.ErrUnknownTask)
	}
	if t.State != pool.Queued && t.State != pool.Retrying {
		return fmt.Errorf("PO%s is %s: %w", po, t.State, pool.ErrNotQueued)
	}
	t.Priority = prio
	f.stale()
	return nil
}

func (f *fakePool) Cancel(po string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Cancel %s", po)
	t, ok := f.tasks[po]
	if !ok {
		return fmt.Errorf("PO%s: %w", po, pool.ErrUnknownTask)
	}
	if t.State != pool.Done {
		t.State, t.Finished = pool.Done, f.now()
		t.Result = coupa.Result{PO: po, Status: coupa.Cancelled, Err: errors.New("cancelled by the operator")}
		f.stale()
	}
	return nil
}

func (f *fakePool) Retry(po string) error {
	f.mu.Lock()
	f.record("Retry %s", po)
	t, ok := f.tasks[po]
	if !ok {
		f.mu.Unlock()
		return fmt.Errorf("PO%s: %w", po, pool.ErrUnknownTask)
	}
	if t.State != pool.Done || t.Result.Status.Deterministic() {
		f.mu.Unlock()
		return fmt.Errorf("PO%s: %w", po, pool.ErrNotFailed)
	}
	prio := t.Priority
	f.mu.Unlock()
	f.addTask(po, prio, pool.Queued, func(t *pool.TaskInfo) { t.Submitted = f.now() })
	return nil
}

func (f *fakePool) Scale(n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Scale %d", n)
	if n < f.minW || n > f.maxW {
		return fmt.Errorf("scale to %d: %w (min %d, max %d)", n, pool.ErrScaleLimit, f.minW, f.maxW)
	}
	f.target = n
	return nil
}

func (f *fakePool) Pause() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Pause")
	f.state = pool.PoolPaused
	return nil
}

func (f *fakePool) Resume() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Resume")
	f.state = pool.PoolRunning
	return nil
}

func (f *fakePool) Reauthenticate() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Reauthenticate")
	f.state = pool.PoolRunning
	return nil
}

// Shutdown drains until release is closed or ctx ends; it forces
// nothing, as the real pool does.
func (f *fakePool) Shutdown(ctx context.Context) error {
	f.mu.Lock()
	f.shutdowns++
	first := f.shutdowns == 1
	f.record("Shutdown")
	if first {
		f.state = pool.PoolDraining
		f.drainDeadline = f.now().Add(2 * time.Minute)
		close(f.shutdownCalled)
	}
	f.mu.Unlock()
	select {
	case <-f.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	f.mu.Lock()
	f.state = pool.PoolStopped
	f.mu.Unlock()
	return nil
}

// Close cancels what runs: the drain ends at once.
func (f *fakePool) Close() error {
	f.mu.Lock()
	f.record("Close")
	if !f.forced {
		f.forced = true
		close(f.release)
	}
	f.state = pool.PoolStopped
	f.mu.Unlock()
	return nil
}

// finishDrain lets a graceful Shutdown return.
func (f *fakePool) finishDrain() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.forced {
		f.forced = true
		close(f.release)
	}
}
