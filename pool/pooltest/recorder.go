package pooltest

import (
	"slices"
	"sync"

	"coupatui/pool"
)

// Recorder keeps every event a pool emits from the moment Record
// subscribed. Its goroutine reads the subscription until the pool stops or
// Close is called; Close waits for it.
type Recorder struct {
	sub  *pool.Subscription
	done chan struct{} // closed when the goroutine returned

	mu  sync.Mutex // guards evs
	evs []pool.Event
}

// Record subscribes to p's events and records them.
func Record(p *pool.Pool) *Recorder {
	r := &Recorder{sub: p.Subscribe(0), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for ev := range r.sub.C() {
			r.mu.Lock()
			r.evs = append(r.evs, ev)
			r.mu.Unlock()
		}
	}()
	return r
}

// Events returns the events recorded so far, oldest first.
func (r *Recorder) Events() []pool.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.evs)
}

// Done is closed once the pool has stopped and every event it emitted is
// recorded (or Close was called).
func (r *Recorder) Done() <-chan struct{} { return r.done }

// Close stops recording and waits for the recording goroutine.
func (r *Recorder) Close() {
	r.sub.Close()
	<-r.done
}
