package pooltest

import (
	"context"
	"errors"
	"sync"
	"time"

	"coupatui/coupa"
	"coupatui/vocab"
)

// Script plays one attempt of one PO on a fake browser, as the real
// browser's Process does: it reports progress and returns the outcome, and
// it returns promptly when ctx ends. The engine sets the result's PO.
type Script interface {
	Run(ctx context.Context, b *Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result
}

// ScriptFunc makes a function a Script.
type ScriptFunc func(ctx context.Context, b *Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result

func (f ScriptFunc) Run(ctx context.Context, b *Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	return f(ctx, b, job, progress)
}

// Complete is a PO with one file that downloads at once.
var Complete Script = Attempt{
	Progress: []coupa.Progress{{Phase: "downloading", Found: 1}},
	Result:   coupa.Result{Status: vocab.Completed, Found: 1, Downloaded: 1},
}

// Block runs until the attempt's context ends (a page that never settles).
var Block Script = ScriptFunc(func(ctx context.Context, b *Browser, job coupa.Job, _ func(coupa.Progress)) coupa.Result {
	return interrupted(ctx, b, 0)
})

// Attempt is a script described by data. It reports Progress in order;
// with Page it then waits for that gate (its page loading), and with Page
// or PageRead it says its page is read (coupa.Job.PageDone), as a real
// browser does before its downloads. Then it returns Result at once, or,
// with a Gate, once the gate opens. If the attempt's context ends first it
// gives up after StopDelay (a browser abandoning a page) and returns
// CANCELLED, or TIMEOUT on a deadline; if its browser dies first it
// returns a retryable FAILED.
type Attempt struct {
	Progress  []coupa.Progress
	Page      *Gate
	PageRead  bool
	Gate      *Gate
	Result    coupa.Result
	StopDelay time.Duration
}

func (a Attempt) Run(ctx context.Context, b *Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	for _, p := range a.Progress {
		progress(p)
	}
	if a.Page != nil {
		select {
		case <-a.Page.ch:
		case <-ctx.Done():
			return interrupted(ctx, b, a.StopDelay)
		case <-b.done:
			return interrupted(ctx, b, a.StopDelay)
		}
	}
	if (a.Page != nil || a.PageRead) && job.PageDone != nil {
		job.PageDone()
	}
	if a.Gate == nil {
		return a.Result
	}
	select {
	case <-a.Gate.ch:
		return a.Result
	case <-ctx.Done():
	case <-b.done:
	}
	return interrupted(ctx, b, a.StopDelay)
}

// interrupted waits for ctx to end or b to die and returns what a browser
// returns then.
func interrupted(ctx context.Context, b *Browser, stopDelay time.Duration) coupa.Result {
	select {
	case <-ctx.Done():
	case <-b.done:
		return coupa.Result{Status: vocab.Failed, Err: errors.New("connection lost"), Retryable: true}
	}
	if stopDelay > 0 {
		time.Sleep(stopDelay)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return coupa.Result{Status: vocab.Timeout, Err: ctx.Err(), Retryable: true}
	}
	return coupa.Result{Status: vocab.Cancelled, Err: ctx.Err()}
}

// Attempts plays scripts[i] on a PO's attempt i+1 and the last script on
// every later attempt: a transient failure, then success.
func Attempts(scripts ...Script) Script {
	if len(scripts) == 0 {
		panic("pooltest.Attempts: no script")
	}
	return ScriptFunc(func(ctx context.Context, b *Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
		n := b.e.Runs(job.PO) // this attempt is counted already
		return scripts[min(n, len(scripts))-1].Run(ctx, b, job, progress)
	})
}

// Gate holds the attempts waiting on it until the test opens it.
type Gate struct {
	once sync.Once
	ch   chan struct{}
}

// NewGate returns a shut gate. Inside a synctest bubble, make it inside the
// bubble.
func NewGate() *Gate { return &Gate{ch: make(chan struct{})} }

// Open lets every attempt waiting on the gate, and every later one, through.
// It is safe to call more than once.
func (g *Gate) Open() { g.once.Do(func() { close(g.ch) }) }

// C is closed once the gate opens, for fakes other than Attempt to wait on.
func (g *Gate) C() <-chan struct{} { return g.ch }

// Feed is a script the test steers while it runs: each Report reaches the
// pool as the attempt's progress. The attempt ends only with its context
// or its browser. One Feed serves one running attempt at a time.
type Feed struct {
	reports chan feedReport
}

type feedReport struct {
	p    coupa.Progress
	done chan struct{}
}

// NewFeed returns a Feed; give it to Engine.On.
func NewFeed() *Feed { return &Feed{reports: make(chan feedReport)} }

func (f *Feed) Run(ctx context.Context, b *Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	for {
		select {
		case r := <-f.reports:
			progress(r.p)
			close(r.done)
		case <-ctx.Done():
			return interrupted(ctx, b, 0)
		case <-b.done:
			return interrupted(ctx, b, 0)
		}
	}
}

// Report hands p to the running attempt and returns once the pool has it.
// It blocks while no attempt runs the feed.
func (f *Feed) Report(p coupa.Progress) {
	r := feedReport{p: p, done: make(chan struct{})}
	f.reports <- r
	<-r.done
}
