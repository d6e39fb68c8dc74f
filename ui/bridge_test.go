package ui

import (
	"testing"
	"time"

	"coupatui/pool"
)

func TestBridgeCoalescesAndNeverBlocksThePool(t *testing.T) {
	in := make(chan pool.Event)
	br := newBridge(in, 20*time.Millisecond)
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
	br := newBridge(in, time.Millisecond)
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
