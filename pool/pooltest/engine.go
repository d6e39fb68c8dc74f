// Package pooltest lets tests drive a real *pool.Pool without a browser: a
// fake pool.Engine whose browsers run the scripts a test gives (per PO),
// gates the test opens, a fake resource monitor and an event recorder.
//
// Scripts only block on channels and timers, so inside a testing/synctest
// bubble a pool built on this engine is deterministic: the fake clock moves
// only when the test sleeps, and synctest.Wait settles every worker.
package pooltest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/vocab"
)

// Engine launches Browsers whose Process runs the script chosen for the PO
// (On), else the default one. It is safe for concurrent use.
type Engine struct {
	mu       sync.Mutex // guards every field below
	def      Script
	scripts  map[string]Script
	launches int
	failNext int // launches that fail before one succeeds
	signedIn bool
	browsers []*Browser     // in launch order
	active   map[string]int // PO → attempts running now
	runs     map[string]int // PO → attempts started
	order    []string       // POs in the order attempts started
	overlap  []string       // POs ever run twice at once
	print    PrintFunc      // nil: FakePDF
	prints   int            // PrintPDF calls
	checks   int            // CheckSession calls
}

// PrintFunc is what a fake browser's PrintPDF does.
type PrintFunc func(ctx context.Context, b *Browser, html string) ([]byte, error)

// FakePDF is the default PrintPDF: a minimal PDF naming the page's length.
func FakePDF(_ context.Context, _ *Browser, html string) ([]byte, error) {
	return fmt.Appendf(nil, "%%PDF-1.4\n%% fake: %d bytes of HTML\n%%%%EOF\n", len(html)), nil
}

// OnPrint makes every browser's PrintPDF run f.
func (e *Engine) OnPrint(f PrintFunc) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.print = f
}

// Prints counts the PrintPDF calls so far.
func (e *Engine) Prints() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.prints
}

// Checks counts the CheckSession calls so far: the session checks made on
// a page of their own.
func (e *Engine) Checks() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.checks
}

// NewEngine returns a signed-in engine whose POs run def unless On gave them
// a script of their own; nil means Complete.
func NewEngine(def Script) *Engine {
	if def == nil {
		def = Complete
	}
	return &Engine{def: def, scripts: map[string]Script{}, signedIn: true,
		active: map[string]int{}, runs: map[string]int{}}
}

// On makes every attempt of po run s.
func (e *Engine) On(po string, s Script) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.scripts[po] = s
}

// FailLaunches makes the next n launches fail.
func (e *Engine) FailLaunches(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failNext = n
}

// SetSignedIn puts Coupa's sign-in wall up (false) or down (true): while it
// is up, CheckSession and Process report coupa.ErrSignInRequired, as the
// real browser does.
func (e *Engine) SetSignedIn(v bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.signedIn = v
}

// Launch starts a fake browser for worker. Its PID is 1000 + its launch
// number, so the first browser has PID 1001.
func (e *Engine) Launch(ctx context.Context, worker int) (pool.Browser, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.launches++
	if e.failNext > 0 {
		e.failNext--
		return nil, fmt.Errorf("launch %d: no browser", e.launches)
	}
	b := &Browser{e: e, launch: e.launches, worker: worker, done: make(chan struct{})}
	e.browsers = append(e.browsers, b)
	return b, nil
}

// Launches counts the launches asked for, failed ones included.
func (e *Engine) Launches() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.launches
}

// Runs counts the attempts of po started so far.
func (e *Engine) Runs(po string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.runs[po]
}

// Order is every attempt's PO, in the order the attempts started.
func (e *Engine) Order() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.order)
}

// Overlaps lists the POs that ever ran on two browsers at once: the pool
// must never do that.
func (e *Engine) Overlaps() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.overlap)
}

// Alive counts the browsers neither closed nor killed.
func (e *Engine) Alive() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, b := range e.browsers {
		if !isClosed(b.done) {
			n++
		}
	}
	return n
}

// Browser returns worker's latest browser, nil when it never had one.
func (e *Engine) Browser(worker int) *Browser {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, b := range slices.Backward(e.browsers) {
		if b.worker == worker {
			return b
		}
	}
	return nil
}

// Browsers returns every browser launched, in launch order.
func (e *Engine) Browsers() []*Browser {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.browsers)
}

// Browser is one fake browser: Process runs a script, Ping answers until
// Hang, Kill and Close end it.
type Browser struct {
	e      *Engine
	launch int
	worker int
	hung   atomic.Bool
	once   sync.Once
	done   chan struct{}
	closes atomic.Int32
}

// Launch is the browser's launch number, from 1.
func (b *Browser) Launch() int { return b.launch }

// Worker is the id of the worker it was launched for.
func (b *Browser) Worker() int { return b.worker }

// Hang makes the browser stop answering pings, as a hung Chromium does.
func (b *Browser) Hang() { b.hung.Store(true) }

// Closes counts the calls to Close.
func (b *Browser) Closes() int { return int(b.closes.Load()) }

// Process runs the PO's script; while the sign-in wall is up it reports
// coupa.ErrSignInRequired instead, as the real browser does.
func (b *Browser) Process(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	e := b.e
	e.mu.Lock()
	if e.active[job.PO] > 0 {
		e.overlap = append(e.overlap, job.PO)
	}
	e.active[job.PO]++
	e.runs[job.PO]++
	e.order = append(e.order, job.PO)
	signedIn := e.signedIn
	s, ok := e.scripts[job.PO]
	if !ok {
		s = e.def
	}
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.active[job.PO]--
		e.mu.Unlock()
	}()
	if !signedIn {
		return coupa.Result{PO: job.PO, Status: vocab.Pending, Err: fmt.Errorf("PO%s: %w", job.PO, coupa.ErrSignInRequired)}
	}
	res := s.Run(ctx, b, job, progress)
	res.PO = job.PO
	return res
}

// CheckSession reports coupa.ErrSignInRequired while the wall is up.
func (b *Browser) CheckSession(ctx context.Context) error {
	b.e.mu.Lock()
	defer b.e.mu.Unlock()
	b.e.checks++
	if !b.e.signedIn {
		return coupa.ErrSignInRequired
	}
	return nil
}

// PrintPDF runs the engine's PrintFunc (FakePDF unless OnPrint set one);
// it fails once the browser is gone.
func (b *Browser) PrintPDF(ctx context.Context, html string) ([]byte, error) {
	b.e.mu.Lock()
	b.e.prints++
	f := b.e.print
	b.e.mu.Unlock()
	if isClosed(b.done) {
		return nil, errors.New("browser gone")
	}
	if f == nil {
		f = FakePDF
	}
	return f(ctx, b, html)
}

// Ping answers at once, blocks until ctx ends after Hang, and fails once
// the browser is gone.
func (b *Browser) Ping(ctx context.Context) error {
	if isClosed(b.done) {
		return errors.New("browser gone")
	}
	if b.hung.Load() {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

// Done is closed when the browser was killed or closed.
func (b *Browser) Done() <-chan struct{} { return b.done }

// PID is 1000 + the launch number.
func (b *Browser) PID() int { return 1000 + b.launch }

// Kill ends the browser now: its worker sees a crash.
func (b *Browser) Kill() { b.once.Do(func() { close(b.done) }) }

// Close ends the browser, as the pool does when it retires or recycles it.
func (b *Browser) Close() error {
	b.closes.Add(1)
	b.Kill()
	return nil
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// NoJitter is a random source for pool.Deps.Rand under which every backoff
// is exactly its configured length, for tests that time them.
func NoJitter() *rand.Rand { return rand.New(zeroSource{}) }

type zeroSource struct{}

func (zeroSource) Uint64() uint64 { return 0 }
