package ui

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"coupatui/pool"
)

func TestDialogStack(t *testing.T) {
	c := &common{}
	help := newHelpDialog(c, nil)
	confirm := &confirmDialog{c: c}
	filter := &filterDialog{c: c}
	var s dialogStack
	if s.top() != nil || s.newest(true) != nil {
		t.Fatal("an empty stack has a dialog")
	}
	s.push(help)
	s.push(filter)
	s.push(confirm)
	if s.top() != confirm || s.newest(true) != confirm || s.newest(false) != help {
		t.Fatalf("top %T, newest prompt %T, newest view %T", s.top(), s.newest(true), s.newest(false))
	}
	s.remove(filter) // from the middle
	if len(s) != 2 || s.top() != confirm {
		t.Fatalf("after removing the filter: %d dialogs, top %T", len(s), s.top())
	}
	s.removeIf(func(d dialog) bool { return !isConfirm(d) })
	if len(s) != 1 || s.top() != confirm {
		t.Fatalf("only the question should stay: %d dialogs", len(s))
	}
}

// A dialog may open another before it finishes: ctrl+c in the help view
// while draining closes the help and asks whether to force, and the
// question then has the keys.
func TestDialogOpenedByAFinishingDialogStaysOnTop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fixturePool(t)
		m := newSized(testOptions(f, nil), 120, 40)
		press(m, "q")
		f.settle("draining", f.draining)
		m.Update(tickMsg(time.Now()))
		press(m, "?", "ctrl+c")
		scr := screen(m)
		mustContain(t, scr, "Force quit? 3 running tasks will be cancelled. [y/N]")
		if strings.Contains(scr, "Keys (?") || len(m.dialogs) != 1 {
			t.Fatalf("the help stayed open (%d dialogs):\n%s", len(m.dialogs), scr)
		}
		press(m, "n")
		mustContain(t, screen(m), "✓ still draining")
		if len(m.dialogs) != 0 {
			t.Fatalf("%d dialogs left open", len(m.dialogs))
		}
	})
}

// The queue pane keeps its selection, filter, marks and sort itself; the
// model only calls it.
func TestQueuePaneOwnsItsState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newSized(testOptions(fixturePool(t), nil), 120, 40)
		q := m.queue
		q.Move(actBottom)
		q.setFilter(" 40 ")
		if q.filterText() != "40" || q.sel != 0 || q.page.Total != 4 {
			t.Fatalf("filter %q, selection %d, %d tasks", q.filterText(), q.sel, q.page.Total)
		}
		if ts, source := q.bulk(); len(ts) != 4 || source != `matching "40"` {
			t.Fatalf("bulk: %d tasks %q", len(ts), source)
		}
		po, marked, ok := q.toggleMark()
		if !ok || !marked || q.sel != 1 || q.marked() != 1 {
			t.Fatalf("mark PO%s: marked %v, selection %d, %d marks", po, marked, q.sel, q.marked())
		}
		if ts, source := q.bulk(); len(ts) != 1 || ts[0].PO != po || source != "marked" {
			t.Fatalf("bulk with a mark: %v %q", ts, source)
		}
		if n := q.clearMarks(); n != 1 || q.marked() != 0 {
			t.Fatalf("cleared %d marks, %d left", n, q.marked())
		}
		if k := q.sortBy(-1); k != pool.SortAttempts || q.sel != 0 {
			t.Fatalf("sorted by %v, selection %d", k, q.sel)
		}
		if q.toggleDone() || q.page.Total != 0 { // PO…401 to …404 are all finished
			t.Fatalf("unfinished tasks matching 40: %d", q.page.Total)
		}
	})
}
