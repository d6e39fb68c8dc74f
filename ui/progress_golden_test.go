package ui

import (
	"testing"
	"testing/synctest"
	"time"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// progressPool is three workers downloading, started a second apart, the
// last ten seconds ago, after two POs finished at once (times on the
// bubble's clock):
//
//   - W1 runs PO…501: 1 of 3 files done; "Site survey scan.pdf" has come
//     at 256 KB/s for ten seconds (2.5 of 4.0 MB) and "Quote 2024-118.pdf"
//     has 40 of 48 KB;
//   - W2 runs PO…502, whose "Signed contract.pdf" came without a size
//     (300 KB so far);
//   - W3 runs PO…503, still opening its page;
//   - three POs wait.
func progressPool(t *testing.T) (*fixture, *Model) {
	// One worker at first, scaled one at a time, so each PO lands on the
	// worker the picture says.
	f := plainPool(t, 1, nil)
	m := newSized(testOptions(f, fixtureLogs()), 120, 40)
	f.submit("4500000511", vocab.Normal, pooltest.Complete)
	f.submit("4500000512", vocab.Normal, pooltest.Complete)
	f.settle("two done", func() bool { return f.p.Snapshot().Counts.Done == 2 })

	feed := pooltest.NewFeed()
	f.eng.On("4500000501", feed)
	if _, err := f.p.Submit("4500000501", vocab.Normal, pool.Meta{}); err != nil {
		t.Fatal(err)
	}
	f.settle("PO…501 running", f.taskIs("4500000501", vocab.TaskRunning))
	for i, po := range []string{"4500000502", "4500000503"} {
		f.advance(time.Second) // the running ones list by start
		if err := f.p.Scale(i + 2); err != nil {
			t.Fatal(err)
		}
		f.settle("one more idle worker", f.workerIs(i+2, pool.WorkerIdle))
		pr := coupa.Progress{Phase: "downloading", Found: 1, InFlight: []coupa.FileProgress{{Name: "Signed contract.pdf", Done: 300 << 10}}}
		if i == 1 {
			pr = coupa.Progress{Phase: "opening"}
		}
		f.submit(po, vocab.Normal, f.held(pr, coupa.Result{}))
		f.settle("PO"+po+" running", f.taskIs(po, vocab.TaskRunning))
	}
	for _, po := range []string{"4500000504", "4500000505", "4500000506"} {
		f.submit(po, vocab.Normal, f.held(coupa.Progress{}, coupa.Result{}))
	}
	for s := 0; s <= 10; s++ {
		feed.Report(coupa.Progress{Phase: "downloading", Found: 3, Done: 1, InFlight: []coupa.FileProgress{
			{Name: "Site survey scan.pdf", Done: int64(s) * 256 << 10, Total: 4 << 20},
			{Name: "Quote 2024-118.pdf", Done: 40 << 10, Total: 48 << 10},
		}})
		if s < 10 {
			f.advance(time.Second)
			m.Update(tickMsg(time.Now()))
		}
	}
	m.Update(tickMsg(time.Now()))
	return f, m
}

// TestGoldenFileProgress: the workers pane and the details view show each
// file in flight with bytes done of the total and a bar; the header's ETA
// and speed come from the bytes too.
func TestGoldenFileProgress(t *testing.T) {
	var frames []frame
	synctest.Test(t, func(t *testing.T) {
		_, m := progressPool(t)
		frames = append(frames, frame{"screen", m.View().Content},
			frame{"header", renderHeader(&m.c, m.headerState(), m.lay.w)},
			frame{"workers", m.workers.View(false)})
		press(m, "shift+tab", "enter") // the workers pane, W1's details
		m.c.ok("W1's details")
		frames = append(frames, frame{"details", m.View().Content})
	})
	checkFrames(t, 120, frames)
}

// Narrow terminals show the files as room allows, and every frame still
// fills the terminal exactly.
func TestFileProgressFitsSmallTerminals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, _ := progressPool(t)
		testScreenFillsTerminalExactly(t, f)
		m := newSized(testOptions(f, nil), 80, 24)
		if scr := screen(m); !containsText(scr, "Site survey scan.pdf") {
			t.Fatalf("80x24 shows no file in flight:\n%s", scr)
		}
	})
}
