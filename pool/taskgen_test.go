package pool_test

import (
	"errors"
	"reflect"
	"testing"
	"testing/synctest"
	"time"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// TestTaskGenChangesExactlyWhenTasksDo walks one task through every
// change a console shows (queued, reprioritised, cancelled, running with
// progress, retrying, back in the queue, done) and checks after each step
// that Snapshot.TaskGen moved when the tasks did, and only then: a console
// that re-reads its page only on a new TaskGen must miss nothing, and an
// idle pool must not make it re-read.
func TestTaskGenChangesExactlyWhenTasksDo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		feed := pooltest.NewFeed()
		e.On(po(1), feed)
		flaky := pooltest.Attempt{Result: coupa.Result{Status: vocab.Failed, Err: errors.New("503"), Retryable: true}}
		e.On(po(3), pooltest.Attempts(flaky, pooltest.Complete))
		p := startPool(t, oneWorker(), e)
		step := func(what string, wantChange bool, do func()) {
			t.Helper()
			before := p.Tasks(pool.TaskQuery{IncludeDone: true})
			do()
			synctest.Wait()
			after := p.Tasks(pool.TaskQuery{IncludeDone: true})
			if gen := p.Snapshot().TaskGen; gen != after.Gen {
				t.Fatalf("%s: the snapshot's TaskGen %d, the page's %d", what, gen, after.Gen)
			}
			switch changed := after.Gen != before.Gen; {
			case changed != wantChange:
				t.Fatalf("%s: TaskGen changed %v (%d → %d), want %v", what, changed, before.Gen, after.Gen, wantChange)
			case !changed && !reflect.DeepEqual(before, after):
				t.Fatalf("%s: the tasks changed, TaskGen did not:\n%+v\n%+v", what, before.Tasks, after.Tasks)
			}
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}

		step("pause", false, func() { must(p.Pause()) })
		step("submit", true, func() { submitN(t, p, 4) })
		step("an idle minute", false, func() {
			time.Sleep(time.Minute)
			p.Snapshot()
			p.Task(po(1))
			p.Tasks(pool.TaskQuery{Filter: "45", Sort: pool.SortPO})
		})
		step("reprioritise a queued task", true, func() { must(p.SetPriority(po(3), vocab.Urgent)) })
		step("the same priority again", false, func() { must(p.SetPriority(po(3), vocab.Urgent)) })
		step("cancel a queued task", true, func() { must(p.Cancel(po(2))) })
		step("resume: PO3 fails and waits, PO1 starts", true, func() { must(p.Resume()) })
		if ti, _ := p.Task(po(3)); ti.State != vocab.TaskRetrying {
			t.Fatalf("PO3 is %s, want retrying", ti.State)
		}
		step("reprioritise a retrying task", true, func() { must(p.SetPriority(po(3), vocab.High)) })
		step("progress", true, func() { feed.Report(coupa.Progress{Phase: "downloading", Found: 2, Done: 1}) })
		step("the backoff ends", true, func() { time.Sleep(10 * time.Second) })
		if ti, _ := p.Task(po(3)); ti.State != vocab.TaskQueued {
			t.Fatalf("PO3 is %s, want queued behind the running PO1", ti.State)
		}
		step("cancel the running task: the next ones run and finish", true, func() { must(p.Cancel(po(1))) })
		step("retry a cancelled task", true, func() { must(p.Retry(po(2))) })
		step("idle again", false, func() { time.Sleep(time.Hour) })
		if c := p.Snapshot().Counts; c.Done != 5 || c.Total != 5 {
			t.Fatalf("counts %+v, want all 5 done", c)
		}
	})
}
