package ui

import (
	"slices"
	"testing"
	"testing/synctest"

	"coupatui/pool"
	"coupatui/vocab"
)

// Renderers return data: the cells of a table row and the lines of a view
// are text with a tone each, checked here without drawing anything.
func TestRowsAreData(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fixturePool(t)
		m := newSized(testOptions(f, nil), 120, 40)
		ws := m.c.snap.Workers

		w1 := workerCells(&m.c, ws[0])
		for col, want := range map[string]span{
			"W": {text: "W1"}, "STATE": {spinnerFrames[0] + " busy", tOK}, "PO": {text: "PO4500000101"},
			"TIME": {text: "0:40"}, "FILES": {text: "1/5"}, "MEM": {text: "300 MB"}, "NOTE": {text: "downloading"},
		} {
			if w1[col] != want {
				t.Errorf("W1 %s: %+v, want %+v", col, w1[col], want)
			}
		}
		if w4 := workerCells(&m.c, ws[3]); w4["STATE"] != (span{"↻ restarting", tWarn}) || w4["PO"].text != "" {
			t.Errorf("W4: %+v", w4)
		}

		urgent := taskCells(&m.c, f.task("4500000202"))
		if urgent["PRIO"] != (span{"URGENT", tPrioUrgent}) || urgent["STATE"] != (span{text: "· queued"}) ||
			urgent["INFO"].text != "waiting 14s" {
			t.Errorf("the urgent task: %+v", urgent)
		}
		failed := taskCells(&m.c, f.task("4500000402"))
		if failed["STATE"] != (span{"✗ FAILED", tFail}) || failed["INFO"].text != "1/2 files · download cut short" {
			t.Errorf("the failed task: %+v", failed)
		}

		d := newTaskDetails(&m.c, m.opts.Pool, "4500000402", nil)
		lines := detailLines(&m.c, d)
		heading := slices.IndexFunc(lines, func(l []span) bool { return textOf(l) == "Errors (1)" })
		if heading < 0 || lines[heading][0].tone != tBold {
			t.Fatalf("no bold Errors heading in %q", lines)
		}
		if got := lines[heading+1]; !slices.Equal(got, toned(tFail, "  1. attempt 1: download cut short")) {
			t.Errorf("the error line: %+v", got)
		}
		if got := lines[0]; textOf(got) != "PO4500000402 · NORMAL · ✗ FAILED · attempt 1" || got[4] != (span{"✗ FAILED", tFail}) {
			t.Errorf("the task line: %+v", got)
		}

		_, counts := headerLines(&m.c, m.headerState(), 120)
		for _, want := range []span{{"✓ 2 completed", tOK}, {"✗ 1 failed", tFail}, {"↻ 1 retrying", tWarn}, {"⊘ 1 cancelled", tCancelled}} {
			if !slices.Contains(counts, want) {
				t.Errorf("the header's counts %+v lack %+v", counts, want)
			}
		}

		res := resourceLines(&m.c, m.c.hist.mem, 50)
		if got := textOf(res[0]); got != "Memory   ▕█████████████████░░░┃░░░░░░▏  62% / 75%" {
			t.Errorf("the memory gauge: %q", got)
		}
		if !slices.Contains(res[1], span{"ok", tGaugeOK}) {
			t.Errorf("the pressure word: %+v", res[1])
		}
	})
}

// Every tone has a look of its own making: only plain text and the
// NORMAL priority are written as they are (without colour, the tones that
// are only a colour are too).
func TestEveryToneHasALook(t *testing.T) {
	st := newStyles(false)
	for tn := range toneCount {
		plainTone := tn == tPlain || tn == tPrioNormal
		if styled := st.render(tn, "x") != "x"; styled == plainTone {
			t.Errorf("tone %d styled %v", tn, styled)
		}
	}
}

// A PO Coupa says is not there (or not ours) is its answer, not a failure
// of the run: the header counts it apart, and rows show it with ∅, not ✗.
func TestNotFoundIsNotCountedAsFailed(t *testing.T) {
	c := pool.Counts{ByStatus: map[vocab.Status]int{vocab.Completed: 3, vocab.NoAttachments: 1,
		vocab.NotFound: 5, vocab.PRNotAccessible: 2, vocab.Failed: 1, vocab.Unrecognised: 1,
		vocab.InvalidPO: 1, vocab.Cancelled: 4, vocab.Pending: 9}}
	if got, want := outcomeCounts(c), (outcomes{ok: 4, notFound: 7, failed: 3, cancelled: 4}); got != want {
		t.Errorf("outcomeCounts = %+v, want %+v", got, want)
	}
	for st, want := range map[vocab.Status]span{vocab.NotFound: {"∅", tNotFound}, vocab.PRNotAccessible: {"∅", tNotFound},
		vocab.Failed: {"✗", tFail}, vocab.Completed: {"✓", tOK}} {
		if tn, glyph := statusLook(st); (span{glyph, tn}) != want {
			t.Errorf("statusLook(%s) = %q %d, want %+v", st, glyph, tn, want)
		}
	}
}

// taskCells is one task's row, in a row of its own.
func taskCells(c *common, t pool.TaskInfo) tableCells {
	row := tableCells{}
	fillTaskCells(c, t, row)
	return row
}
