package ui

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"coupatui/coupa"
	"coupatui/pool"
)

func TestFormatHelpers(t *testing.T) {
	cases := []struct{ got, want string }{
		{clock(75 * time.Second), "1:15"},
		{clock(3723 * time.Second), "1:02:03"},
		{human(45 * time.Second), "45s"},
		{human(185 * time.Second), "3m05s"},
		{human(2*time.Hour + 10*time.Minute), "2h10m"},
		{bytesHuman(512 << 20), "512 MB"},
		{bytesHuman(1536 << 20), "1.5 GB"},
		{bar(0.5, 4), "██░░"},
		{sparkline([]float64{0, 50, 100}, 5, 100), "  ▁▅█"},
		{fit("abcdef", 4), "abc…"},
		{fit("ab", 4), "ab  "},
		{fitRight("ab", 4), "  ab"},
		{plural(1, "task"), "1 task"},
		{plural(2, "task"), "2 tasks"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestGaugeMarksTheThreshold(t *testing.T) {
	g := gauge(tGaugeOK, 0.5, 0.75, 8)
	want := []span{{text: "▕"}, {"████", tGaugeOK}, {"░░", tGaugeEmpty}, {"┃", tGaugeMark}, {"░", tGaugeEmpty}, {text: "▏"}}
	if !slices.Equal(g, want) {
		t.Fatalf("gauge %q", g)
	}
	if g := textOf(gauge(tGaugeOK, 1, 0.75, 8)); g != "▕██████┃█▏" {
		t.Fatalf("gauge over the threshold %q", g)
	}
}

func TestHistoryRateAndETA(t *testing.T) {
	var h history
	t0 := testNow
	for s := range 61 {
		h.sample(t0.Add(time.Duration(s)*time.Second), pool.Snapshot{Counts: pool.Counts{Done: s / 2}})
	}
	if r := h.currentRate(); r != 30 {
		t.Fatalf("rate %.1f POs/min, want 30", r)
	}
	if d, lower, ok := h.eta(pool.Snapshot{Counts: pool.Counts{Total: 45, Done: 30}}); !ok || lower || d != 30*time.Second {
		t.Fatalf("eta %v %v %v, want 30s", d, lower, ok)
	}
	// A 10-second gap repeats the last values instead of inflating the rate.
	h.sample(t0.Add(70*time.Second), pool.Snapshot{Counts: pool.Counts{Done: 30}})
	if n := len(h.done); n != 71 {
		t.Fatalf("%d samples after a gap, want 71", n)
	}
	// Samples within one second are folded.
	h.sample(t0.Add(70*time.Second+500*time.Millisecond), pool.Snapshot{Counts: pool.Counts{Done: 99}})
	if h.lastDone() != 30 {
		t.Fatal("a second sample in the same second was recorded")
	}
}

// The ETA counts a running PO by how far its files are, and is never less
// than the slowest file in flight needs at its own speed; before any PO
// finished, the files give a lower bound.
func TestHistoryETAUsesBytes(t *testing.T) {
	busy := func(done int64) pool.Snapshot {
		return pool.Snapshot{Counts: pool.Counts{Total: 3, Running: 1}, Workers: []pool.WorkerInfo{{ID: 1, Task: 7, PO: "4500000001",
			Progress: coupa.Progress{Found: 2, Done: 1, InFlight: []coupa.FileProgress{
				{Name: "big.pdf", Done: done, Total: 100 << 20},
				{Name: "small.pdf", Done: 1 << 10, Total: 2 << 10}, // stalled: no speed, no estimate of its own
			}}}}}
	}
	h := oneMBps(t, busy)
	// No PO finished yet: at least the 90 MB left at 1 MB/s.
	if d, lower, ok := h.eta(busy(10 << 20)); !ok || !lower || d != 90*time.Second {
		t.Fatalf("eta %v lower %v ok %v, want ≥90s", d, lower, ok)
	}
	// A PO rate of 30/min: the 3 POs, less the running one's (1 + 0.1 +
	// 0.5) of 2 files, take about 4.4 s; the big file still needs 90 s,
	// which wins.
	h.rate[len(h.rate)-1] = 30
	if d, lower, ok := h.eta(busy(10 << 20)); !ok || lower || d != 90*time.Second {
		t.Fatalf("eta %v lower %v ok %v, want 90s", d, lower, ok)
	}
	// Without a file in flight the POs decide: (3 - 0.5) / 30 per minute.
	idle := busy(0)
	idle.Workers[0].Progress.InFlight = nil
	if d, _, _ := h.eta(idle); d != 5*time.Second {
		t.Fatalf("eta %v, want 5s", d)
	}
	// A download that starts again is followed afresh: no speed until the
	// next sample.
	h.sample(testNow.Add(11*time.Second), busy(2<<20))
	if r := h.byteRate(); r != 0 {
		t.Fatalf("byte rate right after a restart %v", r)
	}
	h.sample(testNow.Add(12*time.Second), busy(4<<20))
	if r := h.byteRate(); r != 2<<20 {
		t.Fatalf("byte rate after a restart %v, want 2 MiB/s", r)
	}
}

// With pipeline_depth 2 the older PO downloads while the newest one's page
// loads: its files count in the byte rate and the ETA.
func TestHistoryFollowsTheOlderPOsFiles(t *testing.T) {
	busy := func(done int64) pool.Snapshot {
		return pool.Snapshot{Counts: pool.Counts{Total: 3, Running: 2}, Workers: []pool.WorkerInfo{{ID: 1, Task: 8, PO: "4500000008",
			Progress: coupa.Progress{Phase: "opening"},
			Tasks: []pool.WorkerTask{
				{ID: 7, PO: "4500000007", PageRead: true, Progress: coupa.Progress{Found: 1, InFlight: []coupa.FileProgress{
					{Name: "big.pdf", Done: done, Total: 100 << 20}}}},
				{ID: 8, PO: "4500000008", Progress: coupa.Progress{Phase: "opening"}},
			}}}}
	}
	h := oneMBps(t, busy)
	if d, lower, ok := h.eta(busy(10 << 20)); !ok || !lower || d != 90*time.Second {
		t.Fatalf("eta %v lower %v ok %v, want ≥90s", d, lower, ok)
	}
}

func TestLayoutFitsEveryPane(t *testing.T) {
	for _, sz := range [][2]int{{64, 18}, {80, 24}, {119, 30}, {120, 40}, {200, 60}, {300, 100}} {
		for _, n := range []int{0, 1, 8, 40} {
			l := computeLayout(sz[0], sz[1], n)
			area := 0
			for id := range paneCount {
				r := l.panes[id]
				if r.w < 20 || r.h < 4 || r.x+r.w > sz[0] || r.y+r.h > l.body.y+l.body.h {
					t.Fatalf("%dx%d n=%d: pane %v is %+v", sz[0], sz[1], n, id, r)
				}
				area += r.w * r.h
			}
			if area != l.body.w*l.body.h {
				t.Fatalf("%dx%d n=%d: panes cover %d cells of %d", sz[0], sz[1], n, area, l.body.w*l.body.h)
			}
		}
	}
}

func TestWorkersPaneScrollsToTheSelection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fixturePool(t)
		if err := f.p.Scale(8); err != nil {
			t.Fatal(err)
		}
		f.settle("8 workers", func() bool { return len(f.p.Snapshot().Workers) == 8 })
		m := newSized(testOptions(f, nil), 80, 24)
		m.focus = paneWorkers
		press(m, "G")
		scr := screen(m)
		if !containsText(scr, "▶ W8") || !containsText(scr, "4–8 of 8") || containsText(scr, " W1 ") {
			t.Fatalf("the workers pane did not scroll to W8:\n%s", scr)
		}
	})
}

// A worker holding two POs (pipeline_depth 2) shows the one whose page it
// opened last, and names the older one it still downloads.
func TestWorkerCellsNameTheOlderPOStillDownloading(t *testing.T) {
	c := &common{st: newStyles(true), now: testNow}
	wk := pool.WorkerInfo{ID: 1, State: pool.WorkerBusy, Task: 8, PO: "4500000008", TaskStart: testNow.Add(-2 * time.Second),
		Progress: coupa.Progress{Phase: "opening"},
		Tasks: []pool.WorkerTask{
			{ID: 7, PO: "4500000007", Started: testNow.Add(-3 * time.Second), PageRead: true, Progress: coupa.Progress{
				Phase: "downloading", Found: 3, Done: 1, InFlight: []coupa.FileProgress{{Name: "invoice.pdf", Done: 10, Total: 40}}}},
			{ID: 8, PO: "4500000008", Started: testNow.Add(-2 * time.Second), Progress: coupa.Progress{Phase: "opening"}},
		}}
	cells := workerCells(c, wk)
	if cells["PO"].text != "PO4500000008" || cells["NOTE"].text != "opening · ⇣PO4500000007 1/3" {
		t.Fatalf("PO %q, NOTE %q", cells["PO"].text, cells["NOTE"].text)
	} // The older PO's file in flight shows under the row too.
	if files := workerFiles(wk); len(files) != 1 || files[0].Name != "invoice.pdf" {
		t.Fatalf("files under the row: %+v", files)
	}
}

// oneMBps is the history of ten seconds at 1 MB/s, busy(done) being the
// snapshot with done bytes downloaded.
func oneMBps(t *testing.T, busy func(done int64) pool.Snapshot) *history {
	t.Helper()
	var h history
	for s := range 11 {
		h.sample(testNow.Add(time.Duration(s)*time.Second), busy(int64(s)<<20))
	}
	if r := h.byteRate(); r != 1<<20 {
		t.Fatalf("byte rate %v, want 1 MiB/s", r)
	}
	return &h
}
