package pool_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"coupatui/internal/testkit"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// stuckHandler blocks, while armed, every line whose message holds on,
// until released: a log sink that stopped reading (a full pipe, a hung
// remote collector). Other lines (a worker coming up) pass, so the test
// knows which line is stuck.
type stuckHandler struct {
	on      string
	armed   atomic.Bool
	entered chan struct{} // one send per line that blocks
	release chan struct{}
}

func (h *stuckHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *stuckHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *stuckHandler) WithGroup(string) slog.Handler            { return h }
func (h *stuckHandler) Handle(_ context.Context, r slog.Record) error {
	if h.armed.Load() && strings.Contains(r.Message, h.on) {
		h.entered <- struct{}{}
		<-h.release
	}
	return nil
}

// A log handler that does not return holds up the goroutine that logs,
// never the pool: a snapshot (the console's every frame) still answers.
func TestSlowLogHandlerDoesNotHoldThePool(t *testing.T) {
	h := &stuckHandler{on: "paused", entered: make(chan struct{}), release: make(chan struct{})}
	cfg := oneWorker()
	p, err := pool.New(cfg, pool.Deps{Engine: pooltest.NewEngine(nil), Logger: slog.New(h), Rand: pooltest.NoJitter()})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var once sync.Once
	unstick := func() { once.Do(func() { h.armed.Store(false); close(h.release) }) }
	defer unstick()

	h.armed.Store(true)
	go p.Pause() // logs "pool paused" at Info
	<-h.entered
	answered := make(chan pool.Snapshot)
	go func() { answered <- p.Snapshot() }()
	select {
	case s := <-answered:
		if s.State != pool.PoolPaused {
			t.Errorf("snapshot while the log line is stuck: %s, want paused", s.State)
		}
	case <-time.After(30 * time.Second): // only reached when the lock is held
		t.Fatal("Snapshot blocked while a log handler was stuck: the pool logs under its lock")
	}
	unstick()
}

// recordingHandler keeps every line's message.
type recordingHandler struct {
	mu    sync.Mutex
	lines []string
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler            { return h }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, r.Message)
	return nil
}

// The log has one line per event, in the order of the events, up to the
// pool's last ("pool stopped") by the time Shutdown returns, however many
// goroutines made them.
func TestLogLinesKeepEventOrderToTheEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &recordingHandler{}
		p, sub := startSubscribed(t, fakeConfig(), pool.Deps{Engine: pooltest.NewEngine(nil), Logger: slog.New(h), Rand: pooltest.NoJitter()})
		for _, hd := range submitN(t, p, 6) {
			wait(t, hd)
		}
		if _, err := p.Submit(po(1), vocab.Urgent, pool.Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		h.mu.Lock()
		logged := slices.Clone(h.lines)
		h.mu.Unlock()
		var events []string
		for ev := range sub.C() {
			if ev.Kind != pool.EvTaskProgress { // progress is not logged
				events = append(events, ev.String())
			}
		}
		if !slices.Equal(logged, events) {
			t.Fatalf("log lines differ from the events:\nlog    %q\nevents %q", logged, events)
		}
		if n := len(logged); n == 0 || logged[n-1] != events[len(events)-1] || len(events) < 20 {
			t.Fatalf("%d log lines for %d events, last %q", n, len(events), logged[n-1:])
		}
	})
}

// A bulk submit logs one line for its tasks, not one each (100,000 lines
// would take seconds to write and tens of MB to hold), while every
// subscriber still gets an event per task; Backlog counts those until
// they are delivered.
func TestBulkSubmitLogsOneLineAndBacklogDrains(t *testing.T) {
	h := &recordingHandler{}
	p, err := pool.New(oneWorker(), pool.Deps{Engine: pooltest.NewEngine(nil), Logger: slog.New(h), Rand: pooltest.NoJitter()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sub := p.Subscribe(0)
	defer sub.Close()
	items := []pool.Item{{PO: po(1)}, {PO: po(2)}, {PO: po(3)}}
	if _, err := p.SubmitMany(items); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Submit(po(4), vocab.Normal, pool.Meta{}); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	logged := slices.Clone(h.lines)
	h.mu.Unlock()
	want := []string{"task.queued 3 POs: PO" + po(1) + " … PO" + po(3), "task.queued PO" + po(4)}
	if !slices.Equal(logged, want) {
		t.Fatalf("log after a bulk and a single submit: %q, want %q", logged, want)
	}
	// The 4th may be on its way to C already.
	testkit.WaitFor(t, "the queued events waiting", 10*time.Second, func() bool { return p.Backlog() >= 3 })
	for i := range 4 {
		if ev := <-sub.C(); ev.Kind != pool.EvTaskQueued {
			t.Fatalf("event %d: %s, want task.queued", i, ev)
		}
	}
	testkit.WaitFor(t, "no events waiting", 10*time.Second, func() bool { return p.Backlog() == 0 })
}
