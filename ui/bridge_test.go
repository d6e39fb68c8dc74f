package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"coupatui/monitor"
	"coupatui/pool"
)

func TestBridgeCoalescesAndNeverBlocksThePool(t *testing.T) {
	in := make(chan pool.Event)
	br := newBridge(in, nil, 20*time.Millisecond)
	done := make(chan struct{})
	go func() { defer close(done); br.run(t.Context()) }()

	// Nobody reads batches yet: the bridge must still take every event.
	sent := 0
	for i := range 5000 {
		ev := pool.Event{Kind: pool.EvTaskProgress, Seq: uint64(i)}
		if i == 10 {
			ev = pool.Event{Kind: pool.EvSignInRequired, Missed: 7}
		}
		in <- ev // would block forever if the bridge stopped reading
		sent++
	}
	close(in)

	var total, missed, notes int
	batches := 0
	for b := range br.out {
		batches++
		total += b.Count
		missed += b.Missed
		notes += len(b.Notes)
	}
	<-done
	if total != sent || missed != 7 || notes != 1 {
		t.Fatalf("batches carried %d events, %d missed, %d notes; want %d, 7, 1", total, missed, notes, sent)
	}
	if batches > 3 {
		t.Fatalf("%d batches for one burst: not coalesced", batches)
	}
}

func TestBridgeKeepsTheNewestNotes(t *testing.T) {
	var b eventsMsg
	for i := range maxNotes + 5 {
		b.add(pool.Event{Kind: pool.EvWorkerCrashed, Seq: uint64(i)})
	}
	if len(b.Notes) != maxNotes || b.Dropped != 5 || b.Notes[0].Seq != 5 {
		t.Fatalf("notes %d, dropped %d, first %d", len(b.Notes), b.Dropped, b.Notes[0].Seq)
	}
}

func TestBridgeStopsWithItsContext(t *testing.T) {
	in := make(chan pool.Event) // never closed: the pool is still running
	br := newBridge(in, nil, time.Millisecond)
	ctx, cancel := contextWithCancel(t)
	done := make(chan struct{})
	go func() { defer close(done); br.run(ctx) }()
	cancel()
	<-done
	if _, ok := <-br.out; ok {
		t.Fatal("out not closed after the bridge stopped")
	}
	if msg := waitEvents(br.out)(); msg != (eventsClosedMsg{}) {
		t.Fatalf("waitEvents after close gave %#v", msg)
	}
}

// The resources pane plots the samples the bridge delivered, each one
// once, however many came between two frames; taking them never waits.
func TestBridgeDeliversSamplesToTheResourcesPane(t *testing.T) {
	in, samples := make(chan pool.Event), make(chan monitor.Sample)
	br := newBridge(in, samples, time.Hour)
	done := make(chan struct{})
	go func() { defer close(done); br.run(t.Context()) }()
	p := &resourcesPane{c: &common{st: newStyles(true), opts: &Options{}, hist: &history{mem: []float64{99}}}}
	p.follow(br.mem)
	p.SetSize(40, 9)
	plots := func(vs []float64) bool {
		return strings.Contains(p.View(false), fit("Mem %", resLabel)+sparkline(vs, 40-2-resLabel-8, 100))
	}

	p.refresh() // nothing delivered yet: the pane plots the snapshot's history
	if len(p.mem) != 0 || !plots([]float64{99}) {
		t.Fatalf("before any sample: mem %v\n%s", p.mem, p.View(false))
	}
	for _, r := range []float64{0.1, 0.2, 0.3} {
		samples <- monitor.Sample{UsedRatio: r} // unbuffered: the bridge has it when the send returns
	}
	close(in)
	<-done // it posted every sample it took before it ended
	p.refresh()
	p.refresh() // the mailbox is empty now: nothing twice
	if want := []float64{10, 20, 30}; !slices.Equal(p.mem, want) {
		t.Fatalf("plotted %v, want %v", p.mem, want)
	}
	if !plots(p.mem) {
		t.Fatalf("the pane does not plot the samples:\n%s", p.View(false))
	}
}
