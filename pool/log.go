package pool

import (
	"context"
	"log/slog"
	"time"
)

// The pool never writes a log line while it holds p.mu: a slow or stuck
// log handler (a full pipe, a remote sink) would stop every worker, every
// snapshot and the console with it. Lines made under the lock wait in
// p.logq, stamped with the time of their event, and the goroutine that
// releases the lock (p.unlock) writes them once it has released it. One
// goroutine at a time writes (p.logging), taking queued lines in order, so
// lines keep the order of their events; the pool's stop waits for the last
// of them (waitLog), so none is lost at shutdown.

// logLocked queues one log line; the caller holds p.mu.
func (p *Pool) logLocked(level slog.Level, msg string, args ...any) {
	if !p.log.Enabled(context.Background(), level) {
		return
	}
	r := slog.NewRecord(time.Now(), level, msg, 0)
	r.Add(args...)
	p.logq = append(p.logq, r)
}

// logNow logs one line from a goroutine that does not hold p.mu, in order
// with the lines queued under it.
func (p *Pool) logNow(level slog.Level, msg string, args ...any) {
	p.mu.Lock()
	p.logLocked(level, msg, args...)
	p.unlock()
}

// unlock releases p.mu and then writes the log lines queued under it,
// unless another goroutine is writing already: that one writes them too,
// before it stops. Every release of p.mu in the pool goes through it.
func (p *Pool) unlock() {
	if p.logging || len(p.logq) == 0 {
		p.mu.Unlock()
		return
	}
	p.logging = true
	p.logIdle = make(chan struct{})
	for len(p.logq) > 0 {
		lines := p.logq
		p.logq = nil
		p.mu.Unlock()
		h := p.log.Handler()
		for _, r := range lines {
			_ = h.Handle(context.Background(), r) // a handler's own failure is not the pool's to report
		}
		p.mu.Lock()
	}
	p.logging = false
	close(p.logIdle)
	p.mu.Unlock()
}

// waitLog returns once every line queued so far is written.
func (p *Pool) waitLog() {
	p.mu.Lock()
	for p.logging {
		idle := p.logIdle
		p.unlock()
		<-idle
		p.mu.Lock()
	}
	p.unlock()
}
