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

	"coupatui/pool"
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
// on a pipe: q starts the drain, Run returns only after Shutdown returned,
// and no goroutine of the console outlives Run.
func TestRunQuitsAfterTheDrainAndLeavesNothingRunning(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	fp := fixturePool()
	events := make(chan pool.Event, 1)
	opts := testOptions(fp, fixtureLogs())
	opts.Events = events
	inR, inW := io.Pipe()
	var out syncBuffer

	errc := make(chan error, 1)
	go func() {
		errc <- Run(context.Background(), opts, tea.WithInput(inR), tea.WithOutput(&out), tea.WithWindowSize(120, 40))
	}()
	events <- pool.Event{Kind: pool.EvTaskProgress}
	if _, err := inW.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	<-fp.shutdownCalled
	select {
	case err := <-errc:
		t.Fatalf("Run returned %v before the drain finished", err)
	default:
	}
	fp.finishDrain()
	if err := <-errc; err != nil {
		t.Fatalf("Run: %v", err)
	}
	inW.Close()
	close(events)
	if got := fp.Calls(); !slices.Equal(got, []string{"Shutdown"}) {
		t.Fatalf("calls %q", got)
	}
	if out.b.Len() == 0 {
		t.Fatal("nothing was drawn")
	}
}

func TestRunEndedByContextForcesTheShutdown(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	fp := fixturePool()
	opts := testOptions(fp, nil)
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
	if !slices.Contains(fp.Calls(), "Close") {
		t.Fatal("the pool was not closed")
	}
}

func TestRunNeedsAPool(t *testing.T) {
	if err := Run(context.Background(), Options{}); err == nil {
		t.Fatal("Run without a pool did not fail")
	}
}
