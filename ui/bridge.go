package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"coupatui/monitor"
	"coupatui/pool"
)

// bridgeInterval bounds how often event batches reach the model (~10/s).
const bridgeInterval = 100 * time.Millisecond

// maxNotes bounds the notable events one batch carries.
const maxNotes = 16

// eventsMsg is a coalesced batch of pool events. The model does not replay
// events: it re-reads the Snapshot, so a batch only says "something changed"
// plus the few events the operator must be told about.
type eventsMsg struct {
	Count   int          // events in the batch
	Missed  int          // progress events the subscription dropped before them
	Notes   []pool.Event // sign-in and crash events, oldest first, at most maxNotes
	Dropped int          // notable events left out because the batch was full
}

// eventsClosedMsg says the event channel was closed: the pool has stopped.
type eventsClosedMsg struct{}

func (b *eventsMsg) add(ev pool.Event) {
	b.Count++
	b.Missed += ev.Missed
	if !notable(ev.Kind) {
		return
	}
	if len(b.Notes) == maxNotes {
		copy(b.Notes, b.Notes[1:])
		b.Notes = b.Notes[:maxNotes-1]
		b.Dropped++
	}
	b.Notes = append(b.Notes, ev)
}

// notable reports whether an event deserves the status line; every other
// change shows through the snapshot and the log.
func notable(k pool.EventKind) bool {
	switch k {
	case pool.EvSignInRequired, pool.EvSignInRestored, pool.EvWorkerCrashed,
		pool.EvPoolHeld, pool.EvPoolReleased:
		return true
	}
	return false
}

// bridge carries pool events and the monitor's samples to the model. One
// goroutine (run) drains the pool's channel as fast as it fills, so the
// pool never waits on the UI, and offers at most one coalesced batch per
// interval on out. The model pulls batches with waitEvents, so a slow frame
// only makes batches bigger. Samples go to a mailbox the resources pane
// empties with every frame (mem), so they wake nobody.
type bridge struct {
	in       <-chan pool.Event
	samples  <-chan monitor.Sample // nil without a monitor
	out      chan eventsMsg        // cap 1; written and closed only by run
	mem      chan []float64        // cap 1; memory used % of the samples not yet taken, oldest first; written only by run
	interval time.Duration
}

func newBridge(in <-chan pool.Event, samples <-chan monitor.Sample, interval time.Duration) *bridge {
	return &bridge{in: in, samples: samples, out: make(chan eventsMsg, 1), mem: make(chan []float64, 1), interval: interval}
}

// attach feeds m from br: the event batches, and the samples to the
// resources pane.
func (m *Model) attach(br *bridge) {
	m.events = br.out
	m.res.follow(br.mem)
}

// post puts a sample's memory reading in the mailbox, after those the pane
// has not taken yet. Only run writes the mailbox, so once it has emptied
// it the send cannot block.
func (b *bridge) post(s monitor.Sample) {
	var vs []float64
	select {
	case vs = <-b.mem:
	default:
	}
	b.mem <- appendCapped(vs, s.UsedRatio*100)
}

// run forwards batches until the event channel is closed and the last batch
// was taken, or ctx ends. It closes out when it returns. Its timer runs
// only while events wait: an idle console wakes nobody.
func (b *bridge) run(ctx context.Context) {
	defer close(b.out)
	if b.in == nil {
		<-ctx.Done()
		return
	}
	tick := time.NewTicker(b.interval)
	tick.Stop()
	defer tick.Stop()
	var tickC <-chan time.Time // nil while nothing waits
	var pending eventsMsg
	var sent time.Time // when the last batch went out
	send := func() {
		select {
		case b.out <- pending:
			pending, sent = eventsMsg{}, time.Now()
		default: // the model has not taken the last batch: keep merging
		}
	}
	in, samples := b.in, b.samples
	for {
		select {
		case s, ok := <-samples:
			if !ok {
				samples = nil
				continue
			}
			b.post(s)
		case ev, ok := <-in:
			if !ok {
				in = nil // stop selecting it; deliver what is pending, then end
				if pending.Count == 0 {
					return
				}
				continue
			}
			pending.add(ev)
			if tickC == nil {
				// The first event after a quiet spell goes at once unless a
				// batch went out less than an interval ago.
				if time.Since(sent) >= b.interval {
					send()
				}
				if pending.Count > 0 {
					tick.Reset(b.interval)
					tickC = tick.C
				}
			}
		case <-tickC:
			if pending.Count > 0 {
				send()
			}
			if pending.Count == 0 {
				tick.Stop()
				tickC = nil
			}
		case <-ctx.Done():
			return
		}
		if in == nil && pending.Count == 0 {
			return
		}
		if in == nil && tickC == nil {
			tick.Reset(b.interval)
			tickC = tick.C
		}
	}
}

// waitEvents is the command that delivers the next batch to the model.
func waitEvents(out <-chan eventsMsg) tea.Cmd {
	return func() tea.Msg {
		b, ok := <-out
		if !ok {
			return eventsClosedMsg{}
		}
		return b
	}
}
