package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"coupatui/coupa"
)

// fakeEngine launches fakeBrowsers whose Process runs the test's script.
// It is safe for concurrent use.
type fakeEngine struct {
	mu       sync.Mutex
	script   func(ctx context.Context, b *fakeBrowser, job coupa.Job) coupa.Result
	launches int
	failNext int // launches that fail before one succeeds
	signedIn bool
	browsers []*fakeBrowser
	active   map[string]int // PO → attempts running now
	overlap  []string       // POs ever run twice at once
	runs     map[string]int // PO → attempts started
	order    []string       // POs in the order attempts started
}

func newFakeEngine(script func(ctx context.Context, b *fakeBrowser, job coupa.Job) coupa.Result) *fakeEngine {
	if script == nil {
		script = complete
	}
	return &fakeEngine{script: script, signedIn: true, active: map[string]int{}, runs: map[string]int{}}
}

// complete is the script of a PO with one file that downloads at once.
func complete(ctx context.Context, b *fakeBrowser, job coupa.Job) coupa.Result {
	return coupa.Result{PO: job.PO, Status: coupa.Completed, Found: 1, Downloaded: 1}
}

// blockUntilCancelled runs until the attempt's context ends.
func blockUntilCancelled(ctx context.Context, b *fakeBrowser, job coupa.Job) coupa.Result {
	select {
	case <-ctx.Done():
	case <-b.done:
		return coupa.Result{PO: job.PO, Status: coupa.Failed, Err: errors.New("connection lost"), Retryable: true}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return coupa.Result{PO: job.PO, Status: coupa.Timeout, Err: ctx.Err(), Retryable: true}
	}
	return coupa.Result{PO: job.PO, Status: coupa.Cancelled, Err: ctx.Err()}
}

func (e *fakeEngine) Launch(ctx context.Context, worker int) (Browser, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.launches++
	if e.failNext > 0 {
		e.failNext--
		return nil, fmt.Errorf("launch %d: no browser", e.launches)
	}
	b := &fakeBrowser{e: e, id: e.launches, worker: worker, done: make(chan struct{})}
	e.browsers = append(e.browsers, b)
	return b, nil
}

func (e *fakeEngine) setSignedIn(v bool) {
	e.mu.Lock()
	e.signedIn = v
	e.mu.Unlock()
}

func (e *fakeEngine) stats() (runs map[string]int, order []string, overlap []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	runs = make(map[string]int, len(e.runs))
	for k, v := range e.runs {
		runs[k] = v
	}
	return runs, append([]string(nil), e.order...), append([]string(nil), e.overlap...)
}

func (e *fakeEngine) alive() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, b := range e.browsers {
		if !closed(b.done) {
			n++
		}
	}
	return n
}

type fakeBrowser struct {
	e      *fakeEngine
	id     int
	worker int
	hung   atomic.Bool
	once   sync.Once
	done   chan struct{}
	closes atomic.Int32
}

func (b *fakeBrowser) Process(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	e := b.e
	e.mu.Lock()
	if e.active[job.PO] > 0 {
		e.overlap = append(e.overlap, job.PO)
	}
	e.active[job.PO]++
	e.runs[job.PO]++
	e.order = append(e.order, job.PO)
	signedIn := e.signedIn
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.active[job.PO]--
		e.mu.Unlock()
	}()
	if !signedIn {
		return coupa.Result{PO: job.PO, Status: coupa.Pending, Err: fmt.Errorf("PO%s: %w", job.PO, coupa.ErrSignInRequired)}
	}
	progress(coupa.Progress{Phase: "downloading", Found: 1})
	return e.script(ctx, b, job)
}

func (b *fakeBrowser) CheckSession(ctx context.Context) error {
	b.e.mu.Lock()
	defer b.e.mu.Unlock()
	if !b.e.signedIn {
		return coupa.ErrSignInRequired
	}
	return nil
}

func (b *fakeBrowser) Ping(ctx context.Context) error {
	if closed(b.done) {
		return errors.New("browser gone")
	}
	if b.hung.Load() {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func (b *fakeBrowser) Done() <-chan struct{} { return b.done }
func (b *fakeBrowser) PID() int              { return 1000 + b.id }
func (b *fakeBrowser) Kill()                 { b.once.Do(func() { close(b.done) }) }
func (b *fakeBrowser) Close() error {
	b.closes.Add(1)
	b.Kill()
	return nil
}
