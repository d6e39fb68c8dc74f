package ui

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// tasksCounter is the pool as the console sees it, counting its Tasks calls.
type tasksCounter struct {
	Pool
	n int
}

func (c *tasksCounter) Tasks(q pool.TaskQuery) pool.TaskPage {
	c.n++
	return c.Pool.Tasks(q)
}

// TestQueueAsksForTasksOnlyWhenThePoolChanged checks that frames of an
// unchanged pool reuse the queue's page (its clocks still move), and that
// what changes the tasks, in the pool or from the console, shows in the
// next frame.
func TestQueueAsksForTasksOnlyWhenThePoolChanged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := plainPool(t, 1, nil)
		if err := f.p.Pause(); err != nil {
			t.Fatal(err)
		}
		for i := range 10 {
			f.submit(fmt.Sprintf("46%08d", i), vocab.Normal, pooltest.Complete)
		}
		tc := &tasksCounter{Pool: quitPool{f.p}}
		opts := testOptions(f, nil)
		opts.Pool = tc
		m := newSized(opts, 120, 40)
		frame := func() string {
			f.advance(100 * time.Millisecond)
			synctest.Wait()
			m.Update(tickMsg(time.Now()))
			return screen(m)
		}
		unchanged := func(what string, frames int) string {
			t.Helper()
			before := tc.n
			var s string
			for range frames {
				s = frame()
			}
			if tc.n != before {
				t.Fatalf("%s: the console asked for tasks %d times in %d frames of an unchanged pool", what, tc.n-before, frames)
			}
			return s
		}
		row := func(s, po string) string {
			for l := range strings.SplitSeq(s, "\n") {
				if strings.Contains(l, "PO"+po) {
					return l
				}
			}
			return ""
		}

		unchanged("idle", 20)
		f.advance(time.Minute)
		mustContain(t, row(unchanged("a minute later", 3), "4600000009"), "waiting 1m")

		if _, err := f.p.Submit("4700000001", vocab.Urgent, pool.Meta{}); err != nil {
			t.Fatal(err)
		}
		s := frame()
		mustContain(t, s, "1–11 of 11")
		mustContain(t, row(s, "4700000001"), "URGENT")
		if !strings.Contains(row(s, "4700000001"), "▶") {
			t.Fatalf("the urgent PO submitted is not first, where the selection is:\n%s", s)
		}

		if err := f.p.SetPriority("4600000005", vocab.Low); err != nil {
			t.Fatal(err)
		}
		mustContain(t, row(frame(), "4600000005"), "LOW")

		if err := f.p.Cancel("4600000003"); err != nil {
			t.Fatal(err)
		}
		mustContain(t, row(frame(), "4600000003"), "CANCELLED")

		// Moving the selection inside the page asks for nothing; the
		// console's own commands show at once.
		before := tc.n
		press(m, "down")
		if tc.n != before {
			t.Fatalf("moving the selection inside the page asked for tasks %d times", tc.n-before)
		}
		if !strings.Contains(row(screen(m), "4600000000"), "▶") {
			t.Fatalf("the selection did not move to the second row:\n%s", screen(m))
		}
		press(m, "u")
		mustContain(t, row(screen(m), "4600000000"), "URGENT")
		unchanged("after the command", 5)

		press(m, "/")
		typeText(m, "4600000007")
		press(m, "enter")
		s = screen(m)
		mustContain(t, s, `filter "4600000007" · 1–1 of 1`)
		if row(s, "4600000001") != "" {
			t.Fatalf("the filter shows other POs:\n%s", s)
		}
		unchanged("filtered", 5)

		if err := f.p.Resume(); err != nil {
			t.Fatal(err)
		}
		f.settle("every task final", func() bool { c := f.p.Snapshot().Counts; return c.Done == c.Total })
		frame()
		press(m, "s") // from the run summary to the panes
		mustContain(t, row(screen(m), "4600000007"), "COMPLETED")
	})
}
