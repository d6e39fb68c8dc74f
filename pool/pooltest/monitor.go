package pooltest

import (
	"maps"
	"sync"

	"coupatui/monitor"
	"coupatui/pool"
)

// Monitor is a pool.Monitor that hands the pool the samples a test sends.
type Monitor struct {
	c    chan monitor.Sample // unbuffered: Send returns when the pool took the sample
	gone chan struct{}       // closed when the pool unsubscribed
	once sync.Once

	mu      sync.Mutex // guards tracked
	tracked map[int]int
}

var _ pool.Monitor = (*Monitor)(nil)

// NewMonitor returns a monitor with no sample sent yet.
func NewMonitor() *Monitor {
	return &Monitor{c: make(chan monitor.Sample), gone: make(chan struct{}), tracked: map[int]int{}}
}

// Subscribe is for the pool, which subscribes once, when it starts.
func (m *Monitor) Subscribe() (<-chan monitor.Sample, func()) {
	return m.c, func() { m.once.Do(func() { close(m.gone) }) }
}

// Send hands s to the pool; it returns when the pool has taken it (the pool
// applies it right after), or false when the pool has stopped listening.
// It blocks until the pool has started.
func (m *Monitor) Send(s monitor.Sample) bool {
	select {
	case m.c <- s:
		return true
	case <-m.gone:
		return false
	}
}

func (m *Monitor) Track(id, pid int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tracked[id] = pid
}

func (m *Monitor) Untrack(id int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tracked, id)
}

// Tracked returns worker id → browser PID for the browsers tracked now.
func (m *Monitor) Tracked() map[int]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.tracked)
}
