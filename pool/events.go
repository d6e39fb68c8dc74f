package pool

import (
	"fmt"
	"sync"
)

// DefaultEventBuffer is how many undelivered events a subscription holds
// before it starts dropping progress events.
const DefaultEventBuffer = 4096

// Subscription delivers the pool's events, in order, on C. The pool never
// waits for a subscriber: when one falls behind by more than its buffer,
// its oldest progress events are dropped (never any other kind) and the next
// event delivered carries the count in Missed. C is closed after the pool
// has stopped and every event was delivered, or when Close is called.
type Subscription struct {
	c     chan Event
	limit int

	mu     sync.Mutex // guards the fields below
	buf    []Event    // undelivered events, oldest first
	missed int        // dropped since the last delivery
	ending bool       // no more events will come: close C once buf drains
	closed bool

	wake chan struct{} // cap 1: "buf changed"
	stop chan struct{} // closed by Close
	done chan struct{} // closed when the pump goroutine returns
}

func newSubscription(limit int) *Subscription {
	if limit <= 0 {
		limit = DefaultEventBuffer
	}
	s := &Subscription{
		c:     make(chan Event),
		limit: limit,
		wake:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go s.pump()
	return s
}

// C is the channel events arrive on.
func (s *Subscription) C() <-chan Event { return s.c }

// Close stops delivery, closes C and waits for the delivering goroutine.
// It is safe to call more than once and concurrently with the pool.
func (s *Subscription) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.stop)
	}
	s.mu.Unlock()
	<-s.done
}

// publish queues ev without blocking.
func (s *Subscription) publish(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.ending {
		return
	}
	s.buf = append(s.buf, ev)
	if len(s.buf) > s.limit {
		s.shed()
	}
	s.signal()
}

// shed drops the oldest progress events until the buffer is half full or
// only events that must not be lost remain. Amortised O(1) per publish.
func (s *Subscription) shed() {
	excess := len(s.buf) - s.limit/2
	kept := s.buf[:0]
	for _, ev := range s.buf {
		if excess > 0 && ev.Kind.Droppable() {
			excess--
			s.missed++
			continue
		}
		kept = append(kept, ev)
	}
	clear(s.buf[len(kept):])
	s.buf = kept
}

// backlog is how many events wait for delivery.
func (s *Subscription) backlog() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buf)
}

// end lets the subscription close C once everything queued was delivered.
func (s *Subscription) end() {
	s.mu.Lock()
	s.ending = true
	s.signal()
	s.mu.Unlock()
}

func (s *Subscription) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Subscription) pump() {
	defer close(s.done)
	defer close(s.c)
	for {
		s.mu.Lock()
		for len(s.buf) == 0 {
			ending := s.ending
			s.mu.Unlock()
			if ending {
				return
			}
			select {
			case <-s.wake:
			case <-s.stop:
				return
			}
			s.mu.Lock()
		}
		ev := s.buf[0]
		s.buf[0] = Event{}
		s.buf = s.buf[1:]
		if len(s.buf) == 0 {
			s.buf = nil // a burst's array (100k queued events: 10 MB) goes with it
		}
		ev.Missed, s.missed = s.missed, 0
		s.mu.Unlock()
		select {
		case s.c <- ev:
		case <-s.stop:
			return
		}
	}
}

func (e Event) String() string {
	s := e.Kind.String()
	if e.Task != nil {
		s += fmt.Sprintf(" PO%s", e.Task.PO)
	}
	if e.Worker != nil {
		s += fmt.Sprintf(" worker %d", e.Worker.ID)
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}
