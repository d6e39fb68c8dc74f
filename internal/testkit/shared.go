package testkit

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// Shared is one value, a browser typically, that the tests of a package
// share. The first test that calls Get starts it, so a run that needs none
// (-short, a -run of unit tests, a machine without a browser) starts none;
// Main stops it after the last test.
type Shared[T any] struct {
	start func(exe string) (T, error)
	stop  func(T) error

	mu      sync.Mutex // guards the fields below; held while starting
	started bool       // start was called
	val     T
	err     error // start's error, given to every test that asks
}

// NewShared is a Shared that start starts with the browser Chromium found
// and stop stops.
func NewShared[T any](start func(exe string) (T, error), stop func(T) error) *Shared[T] {
	return &Shared[T]{start: start, stop: stop}
}

// Get returns the shared value, starting it on first use. It skips tb as
// Chromium does, and fails tb when the value could not be started.
func (s *Shared[T]) Get(tb testing.TB) T {
	tb.Helper()
	return s.get(tb, Chromium(tb))
}

// get is Get once Chromium has found exe.
func (s *Shared[T]) get(tb testing.TB, exe string) T {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		s.started = true
		s.val, s.err = s.start(exe)
	}
	if s.err != nil {
		tb.Fatalf("start the shared browser: %v", s.err)
	}
	return s.val
}

// Stop stops the value if a test started it; it does nothing otherwise.
func (s *Shared[T]) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started || s.err != nil {
		return nil
	}
	s.started = false
	return s.stop(s.val)
}

// Stopper is what Main stops once the tests have run: a *Shared.
type Stopper interface{ Stop() error }

// Main is a TestMain for packages that share a browser: it runs the tests,
// stops every shared value a test started (a failure to stop cleanly fails
// the run), and when all passed checks that no goroutine is left behind.
// It decides nothing before m.Run parses the flags: whether a browser runs
// is asked by each test (testing.Short panics before the flags are parsed).
func Main(m *testing.M, shared ...Stopper) {
	code := m.Run()
	for _, s := range shared {
		if err := s.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop the shared browser:", err)
			code = 1
		}
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines leaked:", err)
			code = 1
		}
	}
	os.Exit(code)
}
