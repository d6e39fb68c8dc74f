package run

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"coupatui/internal/testkit"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// startBlocked starts a pool whose one PO runs until cancelled.
func startBlocked(t *testing.T) (*pool.Pool, *pool.Handle) {
	t.Helper()
	p, err := pool.New(testPoolConfig(1), pool.Deps{Engine: pooltest.NewEngine(pooltest.Block)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	h, _ := p.Submit("4500000001", vocab.Normal, pool.Meta{})
	if err := p.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, "the PO running", 10*time.Second, func() bool { return h.Status().State == vocab.TaskRunning })
	return p, h
}

// In plain mode the first signal drains within shutdown_timeout, then the
// controller closes the pool: the running PO ends CANCELLED, not lost.
func TestSignalDrainsThenShutdownTimeoutForces(t *testing.T) {
	p, h := startBlocked(t)
	var stderr testkit.Buffer
	q := newQuitter(300*time.Millisecond, &stderr, discardLog())
	q.attach(p, nil)
	sigs := make(chan os.Signal, 2)
	q.watch(sigs)
	defer q.stop()
	start := time.Now()
	sigs <- syscall.SIGTERM
	testkit.WaitFor(t, "draining", 5*time.Second, func() bool { return p.Snapshot().State == pool.PoolDraining || p.Snapshot().State == pool.PoolStopped })
	if st := h.Status(); st.State == vocab.TaskDone {
		t.Fatalf("the first signal forced the running PO: %s", st.Result.Status)
	}
	<-p.Stopped()
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("stopped after %s, before shutdown_timeout", d)
	}
	if got := h.Status().Result.Status; got != vocab.Cancelled {
		t.Errorf("the PO still running at shutdown_timeout: %s, want CANCELLED", got)
	}
	for _, want := range []string{"terminated: letting running POs finish within 300ms", "shutdown_timeout 300ms reached"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr.String(), want)
		}
	}
	if !q.signalled() {
		t.Error("signalled() is false after a signal")
	}
}

// A second signal forces at once, whatever shutdown_timeout says.
func TestSecondSignalForcesAtOnce(t *testing.T) {
	p, h := startBlocked(t)
	var stderr testkit.Buffer
	q := newQuitter(time.Hour, &stderr, discardLog())
	q.attach(p, nil)
	sigs := make(chan os.Signal, 2)
	q.watch(sigs)
	defer q.stop()
	sigs <- syscall.SIGINT
	testkit.WaitFor(t, "draining", 5*time.Second, func() bool { return p.Snapshot().State == pool.PoolDraining })
	sigs <- syscall.SIGHUP
	select {
	case <-p.Stopped():
	case <-time.After(20 * time.Second):
		t.Fatal("the second signal did not stop the pool")
	}
	if got := h.Status().Result.Status; got != vocab.Cancelled {
		t.Errorf("forced PO: %s", got)
	}
	if !strings.Contains(stderr.String(), "again: stopping now") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// Under the console, signals go to the console, which decides (its q
// path); the pool is not touched until it calls back.
func TestSignalsGoToTheConsole(t *testing.T) {
	p, _ := startBlocked(t)
	q := newQuitter(time.Hour, &testkit.Buffer{}, discardLog())
	console := make(chan struct{}, 4)
	q.attach(p, console)
	sigs := make(chan os.Signal, 2)
	q.watch(sigs)
	defer q.stop()
	sigs <- syscall.SIGTERM
	select {
	case <-console:
	case <-time.After(10 * time.Second):
		t.Fatal("the signal did not reach the console")
	}
	if s := p.Snapshot().State; s == pool.PoolDraining || s == pool.PoolStopped {
		t.Fatalf("the controller drained behind the console's back: %s", s)
	}
	cp := consolePool{Pool: p, q: q}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := cp.Shutdown(ctx); err == nil {
		t.Fatal("the console's Shutdown returned with a PO still running")
	}
	if s := p.Snapshot().State; s != pool.PoolDraining {
		t.Errorf("after the console's quit: %s, want draining", s)
	}
	if err := cp.Close(); err != nil {
		t.Fatal(err)
	}
	if s := p.Snapshot().State; s != pool.PoolStopped {
		t.Errorf("after the console's forced quit: %s", s)
	}
}

// A signal before the pool exists ends start-up.
func TestSignalDuringStartUp(t *testing.T) {
	q := newQuitter(time.Hour, &testkit.Buffer{}, discardLog())
	sigs := make(chan os.Signal, 1)
	q.watch(sigs)
	defer q.stop()
	sigs <- syscall.SIGTERM
	select {
	case <-q.startCtx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("start-up did not end")
	}
}
