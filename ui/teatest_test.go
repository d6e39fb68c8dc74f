package ui

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// probeMsg asks the running program for its current screen. The filter
// answers it on the event loop, after every message sent before it, so the
// test needs no polling to know what the operator sees.
type probeMsg struct{ reply chan string }

func probeFilter(model tea.Model, msg tea.Msg) tea.Msg {
	if p, ok := msg.(probeMsg); ok {
		p.reply <- ansi.Strip(model.(*Model).View().Content)
		return nil
	}
	return msg
}

func probe(tm *teatest.TestModel) string {
	reply := make(chan string, 1)
	tm.Send(probeMsg{reply})
	return <-reply
}

func sendKeys(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

// TestTeatestFlow drives the real Bubble Tea program on a real pool (the
// live fixture) and its live events: add a PO, see an event the pool
// emitted reach the screen, reprioritise the PO, cancel it (enter first,
// which is not yes), quit and let the drain finish.
func TestTeatestFlow(t *testing.T) {
	f := liveFixturePool(t)
	sub := f.p.Subscribe(0)
	opts := testOptions(f, fixtureLogs())
	opts.TickInterval = time.Hour // frames come from events and keys only
	m := New(opts)
	br := newBridge(sub.C(), nil, 10*time.Millisecond)
	m.attach(br)
	bridgeDone := make(chan struct{})
	go func() { defer close(bridgeDone); br.run(t.Context()) }()

	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithFilter(probeFilter)))
	t.Cleanup(func() { f.stop(); m.bg.wait(); sub.Close(); <-bridgeDone })

	screenHas := func(want ...string) string {
		t.Helper()
		scr := probe(tm)
		for _, w := range want {
			if !strings.Contains(scr, w) {
				t.Fatalf("want %q on screen:\n%s", w, scr)
			}
		}
		return scr
	}
	screenHas("Workers 4/4", "4/14 done")

	// Add one PO as URGENT.
	sendKeys(tm, "a")
	tm.Type("PO4500000999")
	sendKeys(tm, "tab", "u", "enter")
	screenHas("✓ added 1 PO as URGENT: PO4500000999", "4/15 done")

	// A PO submitted to the pool from elsewhere: its event reaches the
	// model through the bridge, which refreshes the screen.
	f.submit("4500000777", vocab.Low, pooltest.Block)
	waitForBatch(t, tm, "4/16 done")

	// Reprioritise it to LOW, then cancel it: enter is not yes, y is.
	sendKeys(tm, "/")
	tm.Type("999")
	sendKeys(tm, "enter", "l")
	screenHas("✓ PO4500000999 moved to LOW")
	sendKeys(tm, "x")
	screenHas("Cancel PO4500000999? [y/N]")
	sendKeys(tm, "enter")
	screenHas("✓ PO4500000999 kept")
	sendKeys(tm, "x", "y")
	screenHas("✓ PO4500000999 cancelled", "⊘ CANCELLED")

	// Quit: the drain shows until the pool's Shutdown returns.
	sendKeys(tm, "esc", "q")
	f.settle("draining", f.draining)
	screenHas("Quitting: 3 running tasks to finish", " DRAINING ")
	f.release() // the running tasks finish within the drain
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	<-f.rec.Done()

	final := tm.FinalModel(t).(*Model)
	if final.quit != phaseDone || final.shutdownErr != nil {
		t.Fatalf("final phase %v, shutdown error %v", final.quit, final.shutdownErr)
	}
	out, err := io.ReadAll(tm.FinalOutput(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(ansi.SetModeAltScreenSaveCursor)) || !bytes.Contains(out, []byte(ansi.ResetModeAltScreenSaveCursor)) {
		t.Fatal("the console did not enter and leave the alternate screen")
	}
	if !strings.Contains(ansi.Strip(string(out)), "coupatui") {
		t.Fatal("the output never drew the header")
	}
	want := []string{"queued 4500000999 URGENT", "queued 4500000777 LOW", "priority 4500000999 LOW",
		"cancelled 4500000999: cancelled by operator", "draining"}
	if got := f.commands(); !slices.Equal(got, want) {
		t.Fatalf("the pool did %q, want %q", got, want)
	}
	assertEnded(t, f, vocab.Completed)
}

// waitForBatch probes until the screen shows want: the bridge delivers on
// its own clock, so this is the one place the test waits on time, bounded.
func waitForBatch(t *testing.T, tm *teatest.TestModel, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		scr := probe(tm)
		if strings.Contains(scr, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no batch brought %q:\n%s", want, scr)
		}
		tm.Send(probeMsg{make(chan string, 1)}) // yields to the event loop between probes
	}
}
