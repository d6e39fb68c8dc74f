package run

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"coupatui/coupa"
	"coupatui/pool"
)

// fakeEngine launches fakeBrowsers whose Process runs script: the pool's
// real code runs, no browser does.
type fakeEngine struct {
	script func(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result

	mu   sync.Mutex
	jobs []coupa.Job // every job started, in order
}

func (e *fakeEngine) Launch(ctx context.Context, worker int) (pool.Browser, error) {
	return &fakeBrowser{e: e, done: make(chan struct{})}, nil
}

func (e *fakeEngine) started() []coupa.Job {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]coupa.Job(nil), e.jobs...)
}

type fakeBrowser struct {
	e    *fakeEngine
	once sync.Once
	done chan struct{}
}

func (b *fakeBrowser) Process(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	b.e.mu.Lock()
	b.e.jobs = append(b.e.jobs, job)
	b.e.mu.Unlock()
	return b.e.script(ctx, job, progress)
}
func (b *fakeBrowser) CheckSession(ctx context.Context) error { return nil }
func (b *fakeBrowser) Ping(ctx context.Context) error {
	select {
	case <-b.done:
		return errors.New("gone")
	default:
		return nil
	}
}
func (b *fakeBrowser) Done() <-chan struct{} { return b.done }
func (b *fakeBrowser) PID() int              { return 0 }
func (b *fakeBrowser) Kill()                 { b.once.Do(func() { close(b.done) }) }
func (b *fakeBrowser) Close() error          { b.Kill(); return nil }

// untilCancelled is an attempt that runs until it is cancelled.
func untilCancelled(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	<-ctx.Done()
	return coupa.Result{PO: job.PO, Status: coupa.Cancelled, Err: ctx.Err()}
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }
