package monitor

import (
	"sync"
	"sync/atomic"
)

// subscriber is one Subscribe channel. Its channel is written only by the
// recording goroutine and closed only by unsubscribe, both under Monitor.mu,
// so a send never meets a closed channel.
type subscriber struct {
	ch chan Sample
}

// offer delivers s, replacing an undelivered older sample: the sampler never
// waits for a slow reader, and the reader always gets the newest.
func (sub *subscriber) offer(s Sample) {
	select {
	case sub.ch <- s:
		return
	default:
	}
	select {
	case <-sub.ch: // drop the stale one
	default:
	}
	select {
	case sub.ch <- s:
	default:
	}
}

// Subscribe returns a channel that always holds the newest sample not yet
// read (buffer 1, latest wins; the sampler never blocks on it), primed with
// Latest when there is one. The returned func unsubscribes and closes the
// channel; it may be called more than once.
func (m *Monitor) Subscribe() (<-chan Sample, func()) {
	sub := &subscriber{ch: make(chan Sample, 1)}
	m.mu.Lock()
	if !m.latest.Time.IsZero() {
		sub.ch <- m.latest
	}
	m.subs[sub] = struct{}{}
	m.mu.Unlock()

	var once sync.Once
	return sub.ch, func() {
		once.Do(func() {
			m.mu.Lock()
			defer m.mu.Unlock()
			delete(m.subs, sub)
			close(sub.ch)
		})
	}
}

// registration is one Register callback. above is guarded by Monitor.mu;
// removed is read without a lock when firing.
type registration struct {
	cb        func(Crossing)
	threshold float64
	above     bool
	removed   atomic.Bool
}

// firing is a callback to call once no lock is held.
type firing struct {
	reg      *registration
	crossing Crossing
}

// Register calls cb once each time the used ratio crosses threshold: going
// above it (Up), and coming back below threshold minus Options.Margin (so a
// ratio hovering at the threshold does not fire on every sample). A
// registration starts below: if the first sample after it is above the
// threshold, cb fires Up.
//
// cb runs on the goroutine that took the sample (Run's, or SampleNow's
// caller), in sample order, with no Monitor lock held: it may call Latest,
// History, Track, Register or an unregister func, but it must return quickly
// (hand slow work to another goroutine): the next sample waits for it. If
// SampleNow runs concurrently with Run, the callbacks of the two samples may
// overlap. unregister may be called more than once; a delivery already under
// way when it is called can still reach cb once.
func (m *Monitor) Register(cb func(Crossing), threshold float64) (unregister func()) {
	reg := &registration{cb: cb, threshold: threshold}
	m.mu.Lock()
	m.regs[reg] = struct{}{}
	m.mu.Unlock()
	return func() {
		reg.removed.Store(true)
		m.mu.Lock()
		defer m.mu.Unlock()
		delete(m.regs, reg)
	}
}

// crossingsLocked updates every registration with s and returns the
// crossings to fire. The caller holds m.mu.
func (m *Monitor) crossingsLocked(s Sample) []firing {
	var fire []firing
	for reg := range m.regs {
		var up bool
		switch {
		case !reg.above && s.UsedRatio > reg.threshold:
			up = true
		case reg.above && s.UsedRatio < reg.threshold-m.opts.Margin:
			up = false
		default:
			continue
		}
		reg.above = up
		fire = append(fire, firing{reg: reg, crossing: Crossing{
			Threshold: reg.threshold, Ratio: s.UsedRatio, Up: up, Time: s.Time,
		}})
	}
	return fire
}
