package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"go.uber.org/goleak"

	"coupatui/vocab"
)

// syncBuffer is an io.Writer the program and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// TestRunQuitsAfterTheDrainAndLeavesNothingRunning runs the whole console
// on a pipe over a real pool and its events: q starts the drain, Run
// returns only after Shutdown returned, and no goroutine of the console or
// the pool outlives them.
func TestRunQuitsAfterTheDrainAndLeavesNothingRunning(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	f := liveFixturePool(t)
	sub := f.p.Subscribe(0)
	defer sub.Close()
	opts := testOptions(f, fixtureLogs())
	opts.Events = sub.C()
	inR, inW := io.Pipe()
	var out syncBuffer

	errc := make(chan error, 1)
	go func() {
		errc <- Run(context.Background(), opts, tea.WithInput(inR), tea.WithOutput(&out), tea.WithWindowSize(120, 40))
	}()
	if _, err := inW.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	f.settle("draining", f.draining)
	select {
	case err := <-errc:
		t.Fatalf("Run returned %v before the drain finished", err)
	default:
	}
	f.release()
	if err := <-errc; err != nil {
		t.Fatalf("Run: %v", err)
	}
	inW.Close()
	<-f.rec.Done() // the pool has stopped and every event is recorded
	if got := f.commands(); !slices.Equal(got, []string{"draining"}) {
		t.Fatalf("the pool did %q, want one graceful shutdown", got)
	}
	assertEnded(t, f, vocab.Completed)
	if out.b.Len() == 0 {
		t.Fatal("nothing was drawn")
	}
}

func TestRunEndedByContextForcesTheShutdown(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	f := liveFixturePool(t)
	opts := testOptions(f, nil)
	inR, inW := io.Pipe()
	defer inW.Close()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- Run(ctx, opts, tea.WithInput(inR), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24))
	}()
	cancel()
	err := <-errc
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	select {
	case <-f.p.Stopped():
	default:
		t.Fatal("Run returned before the pool was shut down")
	}
	<-f.rec.Done()
	if got := f.commands(); len(got) == 0 || got[0] != "draining" {
		t.Fatalf("the pool did %q, want a shutdown", got)
	}
	assertEnded(t, f, vocab.Cancelled) // the ended ctx forced it
}

func TestRunNeedsAPool(t *testing.T) {
	if err := Run(context.Background(), Options{}); err == nil {
		t.Fatal("Run without a pool did not fail")
	}
}
