package monitor

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"
)

// Monitor samples on a ticker (Run) or on demand (SampleNow), keeps the
// history, the pressure state, subscribers and threshold callbacks. It starts
// no goroutine of its own: Run's caller owns the sampling goroutine.
type Monitor struct {
	opts Options // normalised; read-only after New
	log  *slog.Logger

	// sampling serialises Sampler calls and the recording that follows, so
	// samples enter the history, the tracker and the channels in time order.
	sampling sync.Mutex

	mu       sync.Mutex // guards every field below
	trees    map[int]int
	latest   Sample
	history  *ring
	pressure *PressureTracker
	subs     map[*subscriber]struct{}
	regs     map[*registration]struct{}
	failures int // consecutive failed samples, for log throttling
}

// New returns a Monitor; it takes no sample until Run or SampleNow.
func New(opts Options) *Monitor {
	opts = opts.normalised()
	return &Monitor{
		opts:     opts,
		log:      opts.Logger,
		trees:    make(map[int]int),
		history:  newRing(opts.historySlots()),
		pressure: NewPressureTracker(opts.Threshold, opts.Critical, opts.Margin, opts.Window),
		subs:     make(map[*subscriber]struct{}),
		regs:     make(map[*registration]struct{}),
	}
}

// Run samples at once, then every Interval until ctx ends, and returns nil
// then. It returns an error only when the very first sample fails, which
// means this machine cannot be monitored at all; later failures are logged
// and sampling goes on. Call it once, from a goroutine the caller owns.
func (m *Monitor) Run(ctx context.Context) error {
	if _, err := m.SampleNow(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("monitor: first sample: %w", err)
	}
	ticker := time.NewTicker(m.opts.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
			if _, err := m.SampleNow(ctx); err != nil && ctx.Err() == nil {
				m.logFailure(err)
			}
		}
	}
}

// SampleNow takes one sample outside the ticker and records it exactly as a
// tick would: history, Latest, pressure, subscribers, callbacks. Callbacks run
// on the calling goroutine before SampleNow returns.
func (m *Monitor) SampleNow(ctx context.Context) (Sample, error) {
	m.sampling.Lock()
	m.mu.Lock()
	trees := maps.Clone(m.trees)
	m.mu.Unlock()

	s, err := m.opts.Sampler.Sample(ctx, trees)
	if err != nil {
		m.sampling.Unlock()
		return Sample{}, fmt.Errorf("sampling %d browser trees: %w", len(trees), err)
	}
	s.Time = m.opts.Now()
	s, fire := m.record(s)
	m.sampling.Unlock()

	for _, f := range fire {
		if !f.reg.removed.Load() {
			f.reg.cb(f.crossing)
		}
	}
	return s, nil
}

// record stores s and returns it with its pressure, plus the callbacks to
// fire once no lock is held. The caller holds m.sampling.
func (m *Monitor) record(s Sample) (Sample, []firing) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failures > 0 {
		m.log.Info("monitor: sampling recovered", "failed_samples", m.failures)
		m.failures = 0
	}
	prev := m.pressure.State()
	s.Pressure = m.pressure.Observe(s.UsedRatio, s.Time)
	if s.Pressure != prev {
		m.log.Info("monitor: memory pressure changed", "from", prev, "to", s.Pressure,
			"used_ratio", s.UsedRatio)
	}
	m.latest = s
	m.history.add(s)
	for sub := range m.subs {
		sub.offer(s)
	}
	return s, m.crossingsLocked(s)
}

// logFailure warns on the first failure of a run of failures and then once a
// minute's worth of samples, so a broken reading does not flood the log pane.
func (m *Monitor) logFailure(err error) {
	m.mu.Lock()
	m.failures++
	n := m.failures
	m.mu.Unlock()
	if n == 1 || n%60 == 0 {
		m.log.Warn("monitor: sample failed", "err", err, "consecutive", n)
	}
}

// Track watches the browser tree rooted at pid under the caller's id (a
// worker id) from the next sample on; pid 0 untracks.
func (m *Monitor) Track(id, pid int) {
	if pid == 0 {
		m.Untrack(id)
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.trees[id] = pid
}

// Untrack stops watching the tree under id.
func (m *Monitor) Untrack(id int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.trees, id)
}

// Latest is the last recorded sample; the zero Sample before the first.
func (m *Monitor) Latest() Sample {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.latest
}

// History copies out, oldest first, the samples of the last since (by
// Options.Now); since <= 0 returns the whole ring.
func (m *Monitor) History(since time.Duration) []Sample {
	from := time.Time{}
	if since > 0 {
		from = m.opts.Now().Add(-since)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.history.since(from)
}
