package ui

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	tea "charm.land/bubbletea/v2"

	"coupatui/pool"
	"coupatui/vocab"
)

// callCounter is the pool as the console sees it, counting the task
// commands that reach it.
type callCounter struct {
	Pool
	mu    sync.Mutex
	calls map[string]int
	sizes []int // tasks per Many call
}

func (c *callCounter) count(name string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[name]++
	if n > 0 {
		c.sizes = append(c.sizes, n)
	}
}

func (c *callCounter) SetPriority(po string, p vocab.Priority) error {
	c.count("SetPriority", 0)
	return c.Pool.SetPriority(po, p)
}

func (c *callCounter) SetPriorityMany(pos []string, p vocab.Priority) (pool.Bulk, error) {
	c.count("SetPriorityMany", len(pos))
	return c.Pool.SetPriorityMany(pos, p)
}

func (c *callCounter) Cancel(po string) error {
	c.count("Cancel", 0)
	return c.Pool.Cancel(po)
}

func (c *callCounter) CancelMany(pos []string) (pool.Bulk, error) {
	c.count("CancelMany", len(pos))
	return c.Pool.CancelMany(pos)
}

func (c *callCounter) got() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprint(c.calls, c.sizes)
}

// bulkPool is a paused pool holding 1,000 queued POs 46000000xx and 200
// others 47000000xx, and a console on it whose pool calls are counted.
func bulkConsole(t *testing.T) (*fixture, *Model, *callCounter) {
	f := plainPool(t, 1, nil)
	if err := f.p.Pause(); err != nil {
		t.Fatal(err)
	}
	var items []pool.Item
	for i := range 1000 {
		items = append(items, pool.Item{PO: fmt.Sprintf("46%08d", i), Priority: vocab.Normal})
	}
	for i := range 200 {
		items = append(items, pool.Item{PO: fmt.Sprintf("47%08d", i), Priority: vocab.Normal})
	}
	if _, err := f.p.SubmitMany(items); err != nil {
		t.Fatal(err)
	}
	f.settle("1200 queued", func() bool { return f.p.Snapshot().Counts.Queued == 1200 })
	f.record()
	cc := &callCounter{Pool: quitPool{f.p}}
	opts := testOptions(f, nil)
	opts.Pool = cc
	return f, newSized(opts, 120, 40), cc
}

func TestBulkPriorityAndCancelOnAFilteredThousand(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, m, cc := bulkConsole(t)
		press(m, "/")
		typeText(m, "4600000")
		press(m, "enter")
		mustContain(t, screen(m), `filter "4600000" · 1–`)

		press(m, "u")
		mustContain(t, screen(m), `Set 1000 tasks matching "4600000" to URGENT? [y/N]`)
		if got := cc.got(); got != "map[] []" {
			t.Fatalf("the question alone reached the pool: %s", got)
		}
		press(m, "y")
		mustContain(t, screen(m), "✓ 1000 tasks moved to URGENT")
		if got := cc.got(); got != "map[SetPriorityMany:1] [1000]" {
			t.Fatalf("pool calls after u, y: %s", got)
		}
		if n := f.countCommands("priority "); n != 1000 {
			t.Fatalf("%d tasks reprioritised, want 1000", n)
		}
		snap := f.p.Snapshot()
		if q := snap.Counts.QueuedBy; q[vocab.Urgent] != 1000 || q[vocab.Normal] != 200 {
			t.Fatalf("queued by priority %v", q)
		}

		// Enter is not yes: nothing more reaches the pool.
		press(m, "l")
		mustContain(t, screen(m), `Set 1000 tasks matching "4600000" to LOW? [y/N]`)
		press(m, "enter")
		if got := cc.got(); got != "map[SetPriorityMany:1] [1000]" {
			t.Fatalf("pool calls after l, enter: %s", got)
		}

		press(m, "x")
		mustContain(t, screen(m), `Cancel 1000 tasks matching "4600000"? [y/N]`)
		press(m, "y")
		f.settle("1000 cancelled", func() bool { return f.p.Snapshot().Counts.ByStatus[vocab.Cancelled] == 1000 })
		if got := cc.got(); got != "map[CancelMany:1 SetPriorityMany:1] [1000 1000]" {
			t.Fatalf("pool calls after x, y: %s", got)
		}
		if n := f.countCommands("cancelled 46"); n != 1000 {
			t.Fatalf("%d cancelled, want 1000", n)
		}
		if c := f.p.Snapshot().Counts; c.Queued != 200 || c.Done != 1000 {
			t.Fatalf("counts after the cancel %+v", c)
		}
		m.Update(tickMsg{})
		mustContain(t, screen(m), "✓ 1000 tasks cancelled")

		// Now none of them waits: said, and nothing reaches the pool.
		press(m, "l")
		mustContain(t, screen(m), `✗ none of the 1000 tasks matching "4600000" waits in the queue`)
		press(m, "x")
		mustContain(t, screen(m), `✗ the 1000 tasks matching "4600000" are all final already`)
		if got := cc.got(); got != "map[CancelMany:1 SetPriorityMany:1] [1000 1000]" {
			t.Fatalf("pool calls after l and x on final tasks: %s", got)
		}
	})
}

func TestMarksComeBeforeTheFilterAndTheSelection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, m, cc := bulkConsole(t)
		selectQueue(m, 0)
		press(m, "space", "space", "j", "space") // rows 1, 2 and 4; space moves down
		scr := screen(m)
		mustContain(t, scr, "3 marked · 1–")
		mustContain(t, scr, "✓ PO4600000003 marked · 3 marks")
		if strings.Count(scr, "┃ ✓ ") != 3 { // three rows, none selected
			t.Fatalf("marked rows:\n%s", scr)
		}
		press(m, "space")      // the selection moved to row 5: a fourth mark
		press(m, "k", "space") // and off again
		mustContain(t, screen(m), "PO4600000004 unmarked · 3 marks")

		// A filter that hides two of them: the marks still win.
		press(m, "/")
		typeText(m, "47")
		press(m, "enter")
		press(m, "h")
		mustContain(t, screen(m), "Set 3 marked tasks to HIGH? [y/N]")
		press(m, "y")
		if got := cc.got(); got != "map[SetPriorityMany:1] [3]" {
			t.Fatalf("pool calls: %s", got)
		}
		for _, po := range []string{"4600000000", "4600000001", "4600000003"} {
			if p := f.task(po).Priority; p != vocab.High {
				t.Errorf("PO%s is %s", po, p)
			}
		}
		if !strings.Contains(screen(m), "✓ 3 tasks moved to HIGH") || len(m.queue.marks) != 0 {
			t.Fatalf("after the move: marks %v\n%s", m.queue.marks, screen(m))
		}

		// No marks, a filter matching one: it is acted on like the selected task.
		press(m, "/", "backspace", "backspace")
		typeText(m, "4700000199")
		press(m, "enter", "n")
		if got := cc.got(); got != "map[SetPriority:1 SetPriorityMany:1] [3]" {
			t.Fatalf("pool calls: %s", got)
		}
		// Esc clears marks before the filter.
		press(m, "g", "space", "esc")
		if len(m.queue.marks) != 0 || m.queue.filter == "" {
			t.Fatalf("esc: marks %v, filter %q", m.queue.marks, m.queue.filter)
		}
		mustContain(t, screen(m), "1 mark cleared")
	})
}

func TestSortByColumn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newSized(testOptions(fixturePool(t), nil), 120, 40)
		press(m, ">")
		scr := screen(m)
		mustContain(t, scr, "Queue by PO")
		mustContain(t, scr, "queue sorted by PO (> next column, < previous)")
		if i, j := strings.Index(scr, "PO4500000101"), strings.Index(scr, "PO4500000404"); i < 0 || j < i {
			t.Fatalf("not by PO:\n%s", scr)
		}
		press(m, ">") // priority: URGENT first
		if first := m.queue.page.Tasks[0]; first.PO != "4500000202" {
			t.Fatalf("by priority the first is %s %s", first.PO, first.Priority)
		}
		press(m, "<", "<", "<") // back to the display order, and on round to attempts
		mustContain(t, screen(m), "Queue by attempts")
		press(m, ">")
		if scr := screen(m); strings.Contains(scr, "Queue by") {
			t.Fatalf("not back to the display order:\n%s", scr)
		}
	})
}

// opened records what the o key asked to open.
type opened struct {
	mu    sync.Mutex
	paths []string
	err   error
}

func (o *opened) open(path string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.paths = append(o.paths, path)
	return o.err
}

func TestOpenFolderAndCopy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fixturePool(t)
		op := &opened{}
		opts := testOptions(f, nil)
		opts.Open = op.open
		m := newSized(opts, 120, 40)

		selectQueue(m, posFailed)
		cmds := press(m, "o")
		m.Update(cmds[0]()) // the opener's answer
		if want := "/data/ACME Corp/PO4500000402_FAILED"; len(op.paths) != 1 || op.paths[0] != want {
			t.Fatalf("opened %v, want %s", op.paths, want)
		}
		mustContain(t, screen(m), "✓ opening /data/ACME Corp/PO4500000402_FAILED")

		// Nothing on disk yet: said, nothing opened.
		selectQueue(m, posUrgent)
		press(m, "o")
		mustContain(t, screen(m), "✗ PO4500000202 has no folder yet")
		// No desktop: the message says why and where the folder is.
		op.err = fmt.Errorf("%w (no DISPLAY or WAYLAND_DISPLAY: a terminal without a desktop session)", errNoOpener)
		selectQueue(m, posCompleted)
		cmds = press(m, "o")
		m.Update(cmds[0]())
		mustContain(t, screen(m), "✗ cannot open /data/ACME Corp/PO4500000401_COMPLETED: no desktop file manager here (no DISPLAY")

		// y copies the PO number through the terminal; in the details
		// view, the error.
		selectQueue(m, posFailed)
		cmds = press(m, "y")
		if got, want := cmds[0](), tea.SetClipboard("4500000402")(); !reflect.DeepEqual(got, want) {
			t.Fatalf("y gave %#v, want %#v", got, want)
		}
		mustContain(t, screen(m), "copied 4500000402 to the clipboard")
		cmds = press(m, "enter", "y")
		if got, want := cmds[1](), tea.SetClipboard("download cut short")(); !reflect.DeepEqual(got, want) {
			t.Fatalf("y in the details gave %#v, want %#v", got, want)
		}
		press(m, "esc")
		selectQueue(m, posUrgent)
		cmds = press(m, "enter", "y")
		if cmds[1] != nil {
			t.Fatal("y copied the error of a task without one")
		}
		mustContain(t, screen(m), "this task has no error to copy")
	})
}

func TestFindOpener(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	found := func(string) (string, error) { return "/usr/bin/xdg-open", nil }
	missing := func(string) (string, error) { return "", errors.New("not found") }
	for _, c := range []struct {
		goos   string
		getenv func(string) string
		look   func(string) (string, error)
		want   string // the command, or a part of the error
	}{
		{"darwin", env(), missing, "open"},
		{"windows", env(), missing, "explorer"},
		{"linux", env("DISPLAY", ":0"), found, "/usr/bin/xdg-open"},
		{"linux", env("WAYLAND_DISPLAY", "wayland-0"), found, "/usr/bin/xdg-open"},
		{"linux", env(), found, "no DISPLAY or WAYLAND_DISPLAY"},
		{"freebsd", env("DISPLAY", ":0"), missing, "xdg-utils"},
	} {
		argv, err := findOpener(c.goos, c.getenv, c.look)
		got := strings.Join(argv, " ")
		if err != nil {
			if !errors.Is(err, errNoOpener) {
				t.Errorf("%s: %v is not errNoOpener", c.goos, err)
			}
			got = err.Error()
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.goos, got, c.want)
		}
	}
}

// A filtered set of every kind: only what waits is reprioritised, only what
// is not final is cancelled, and the questions say so.
func TestBulkOnAMixedSetCountsWhatItActsOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fixturePool(t)
		m := newSized(testOptions(f, nil), 120, 40)
		press(m, "/")
		typeText(m, "4500000")
		press(m, "enter", "u")
		mustContain(t, screen(m), `Set 7 tasks matching "4500000" to URGENT? (7 running or finished stay as they are) [y/N]`)
		press(m, "y")
		mustContain(t, screen(m), "✓ 7 tasks moved to URGENT")
		if n := f.countCommands("priority "); n != 6 { // the one already URGENT does not move
			t.Errorf("%d reprioritised, want 6", n)
		}
		if p := f.task(poRetrying).Priority; p != vocab.Urgent {
			t.Errorf("the retrying task is %s", p)
		}
		press(m, "x")
		mustContain(t, screen(m), `Cancel 10 tasks matching "4500000"? 3 of them running. [y/N]`)
	})
}
