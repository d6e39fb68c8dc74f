package run

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"coupatui/pool"
)

// quitPhase is where a run is in ending.
type quitPhase int

const (
	quitRunning  quitPhase = iota
	quitDraining           // Shutdown with shutdown_timeout: running POs finish, nothing new starts
	quitForcing            // Close: running POs are cancelled
)

// quitter is the run's one quit controller: it owns the phases of ending a
// run and shutdown_timeout. Every way to end comes through it: signals,
// the console's q (and its forced quit), every PO being final, a hold in
// plain mode. Drain calls the pool's Shutdown with shutdown_timeout as its
// deadline, then Close when that passes; Force calls Close. Before the
// pool exists, a signal only ends start-up (startCtx).
//
// Under the console, signals are passed to the console (console channel),
// which handles them like its own q and calls back through consolePool, so
// the console shows what happens; in plain mode the first signal drains
// and the second forces.
type quitter struct {
	timeout time.Duration
	stderr  io.Writer

	startCtx    context.Context // ends at the first signal: start-up gives up
	startCancel context.CancelFunc

	mu      sync.Mutex // guards the fields below
	log     *slog.Logger
	pool    *pool.Pool // nil until the pool exists
	console chan struct{}
	signals int
	phase   quitPhase
	why     string // why the run is ending

	wg   sync.WaitGroup // the signal watcher and the drain and force calls
	done chan struct{}  // closed by stop
}

func newQuitter(timeout time.Duration, stderr io.Writer, log *slog.Logger) *quitter {
	ctx, cancel := context.WithCancel(context.Background())
	return &quitter{timeout: timeout, stderr: stderr, log: log, startCtx: ctx, startCancel: cancel, done: make(chan struct{})}
}

// watch follows sigs until stop.
func (q *quitter) watch(sigs <-chan os.Signal) {
	if sigs == nil {
		return
	}
	q.wg.Go(func() {
		for {
			select {
			case <-q.done:
				return
			case sig, ok := <-sigs:
				if !ok {
					return
				}
				q.onSignal(sig)
			}
		}
	})
}

func (q *quitter) onSignal(sig os.Signal) {
	q.mu.Lock()
	q.signals++
	n, p, console, log := q.signals, q.pool, q.console, q.log
	q.mu.Unlock()
	log.Info("signal", "signal", sig.String(), "count", n)
	q.startCancel()
	switch {
	case console != nil:
		select {
		case console <- struct{}{}:
		default: // the console has not taken the last one yet
		}
	case p == nil:
		// Start-up: the run sees startCtx end and stops.
	case n == 1:
		fmt.Fprintf(q.stderr, "coupatui: %s: letting running POs finish within %s (again to stop now)\n", sig, q.timeout)
		q.Drain(sig.String())
	default:
		fmt.Fprintf(q.stderr, "coupatui: %s again: stopping now: running POs are cancelled\n", sig)
		q.Force(sig.String() + " again")
	}
}

// setLog sends the quitter's log lines to l (the run's log, once open).
func (q *quitter) setLog(l *slog.Logger) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.log = l
}

// attach gives the quitter the pool to stop; console, when not nil, makes
// signals go to the console instead.
func (q *quitter) attach(p *pool.Pool, console chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pool, q.console = p, console
}

// Drain ends the run gracefully, once: no new PO starts, running POs
// finish within shutdown_timeout, then the rest are cancelled.
func (q *quitter) Drain(why string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.phase != quitRunning || q.pool == nil {
		return
	}
	q.phase, q.why = quitDraining, why
	p := q.pool
	q.log.Info("draining", "why", why, "shutdown_timeout", q.timeout)
	q.wg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), q.timeout)
		defer cancel()
		if err := p.Shutdown(ctx); err != nil {
			fmt.Fprintf(q.stderr, "coupatui: shutdown_timeout %s reached: cancelling the POs still running\n", q.timeout)
			q.Force("shutdown_timeout reached")
		}
	})
}

// Force ends the run now: running POs are cancelled (CANCELLED, fetched
// again by a re-run) and the browsers closed.
func (q *quitter) Force(why string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.phase == quitForcing || q.pool == nil {
		return
	}
	q.phase = quitForcing
	if q.why == "" {
		q.why = why
	}
	p := q.pool
	q.log.Warn("forcing", "why", why)
	q.wg.Go(func() { p.Close() })
}

// signalled reports whether a signal came.
func (q *quitter) signalled() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.signals > 0
}

// stop ends the watcher and waits for every call it started; the pool,
// if any, must have stopped (or Close is called here).
func (q *quitter) stop() {
	close(q.done)
	q.startCancel()
	q.mu.Lock()
	p := q.pool
	q.mu.Unlock()
	if p != nil {
		p.Close() // a no-op once the pool has stopped
	}
	q.wg.Wait()
}

// consolePool is the pool as the console sees it: its quit goes through
// the quit controller, so q, a signal and the shutdown_timeout all follow
// the same phases.
type consolePool struct {
	*pool.Pool
	q *quitter
}

// Shutdown drains the run and waits for the pool to stop, or for ctx.
func (c consolePool) Shutdown(ctx context.Context) error {
	c.q.Drain("quit from the console")
	select {
	case <-c.Pool.Stopped():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close forces the run to end and waits for the pool to stop.
func (c consolePool) Close() error {
	c.q.Force("forced from the console")
	<-c.Pool.Stopped()
	return nil
}
