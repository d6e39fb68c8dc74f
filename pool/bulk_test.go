package pool_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// batchRecorder is a fakeRecorder that also takes batches and counts them.
type batchRecorder struct {
	fakeRecorder
	bmu     sync.Mutex
	batches []int // size of each RecordMany call
}

func (r *batchRecorder) RecordMany(ctx context.Context, evs []pool.Event) error {
	r.bmu.Lock()
	r.batches = append(r.batches, len(evs))
	r.bmu.Unlock()
	for _, ev := range evs {
		if err := r.fakeRecorder.Record(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// bulkPool is one worker running a task that blocks, with n more queued
// (NORMAL) behind it, one of them retrying and one finished.
func bulkPool(t *testing.T, rec pool.Recorder, n int) (*pool.Pool, []string) {
	t.Helper()
	cfg := fakeConfig()
	cfg.WorkerCount, cfg.MinWorkers = 1, 1
	e := pooltest.NewEngine(pooltest.Block)
	e.On(po(0), pooltest.Complete)
	e.On(po(1), pooltest.Attempts(pooltest.Attempt{Result: coupa.Result{Status: vocab.Failed, Retryable: true}}, pooltest.Block))
	p, err := pool.New(cfg, pool.Deps{Engine: e, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var pos []string
	for i := range n + 3 {
		pos = append(pos, po(i))
		if _, err := p.Submit(po(i), vocab.Normal, pool.Meta{}); err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			synctest.Wait() // 0 completes, 1 fails and retries later, 2 blocks on the worker
		}
	}
	synctest.Wait()
	return p, pos
}

func TestSetPriorityManyMovesWaitingTasksInOneCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, pos := bulkPool(t, nil, 1000)
		sub := p.Subscribe(10000)
		defer sub.Close()
		b, err := p.SetPriorityMany(pos, vocab.Urgent)
		if err != nil {
			t.Fatal(err)
		}
		// 1000 queued and the retrying one move; the finished and the running one do not.
		if b.Changed != 1001 || b.Skipped != 2 {
			t.Fatalf("bulk: %+v", b)
		}
		snap := p.Snapshot()
		if snap.Counts.QueuedBy[vocab.Urgent] != 1000 || snap.Counts.QueuedBy[vocab.Normal] != 0 {
			t.Fatalf("queued by priority: %v", snap.Counts.QueuedBy)
		}
		moved := 0
		for _, ev := range drain(sub) {
			if ev.Kind == pool.EvTaskReprioritised {
				moved++
			}
		}
		if moved != 1001 {
			t.Fatalf("%d reprioritised events, want 1001", moved)
		}
		// They keep their order: the queue shows them as submitted.
		page := p.Tasks(pool.TaskQuery{Limit: 5})
		var got []string
		for _, ti := range page.Tasks[1:] {
			got = append(got, ti.PO)
		}
		if want := pos[3:7]; !slices.Equal(got, want) {
			t.Fatalf("order after the move: %v, want %v", got, want)
		}
		if _, err := p.SetPriorityMany(pos, vocab.Priority(9)); err == nil {
			t.Fatal("an invalid priority was taken")
		}
	})
}

func TestCancelManyRecordsOneBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &batchRecorder{}
		p, pos := bulkPool(t, rec, 1000)
		b, err := p.CancelMany(pos)
		if err != nil {
			t.Fatal(err)
		}
		if b.Changed != 1002 || b.Skipped != 1 { // the finished one is skipped; the running one is stopped
			t.Fatalf("bulk: %+v", b)
		}
		synctest.Wait()
		snap := p.Snapshot()
		if got := snap.Counts.ByStatus[vocab.Cancelled]; got != 1002 {
			t.Fatalf("%d cancelled, want 1002 (%+v)", got, snap.Counts)
		}
		if snap.Counts.Queued != 0 || snap.Counts.Retrying != 0 || snap.Counts.Running != 0 {
			t.Fatalf("counts after the cancel: %+v", snap.Counts)
		}
		// The 1001 waiting ones in one batch; the running one by its worker.
		rec.bmu.Lock()
		defer rec.bmu.Unlock()
		if !slices.Equal(rec.batches, []int{1001}) {
			t.Fatalf("batches recorded: %v, want one of 1001", rec.batches)
		}
		if got := rec.kinds(pos[2]); !slices.Contains(got, "task.cancelled") {
			t.Fatalf("the running task recorded %v", got)
		}
	})
}

func TestCancelManyWithoutBatchRecorderRecordsEach(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &fakeRecorder{}
		p, pos := bulkPool(t, rec, 10)
		if _, err := p.CancelMany(pos[3:]); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		for _, x := range pos[3:] {
			if got := rec.kinds(x); !slices.Equal(got, []string{"task.cancelled"}) {
				t.Fatalf("PO%s recorded %v", x, got)
			}
		}
		if got := p.Snapshot().Counts.ByStatus[vocab.Cancelled]; got != 10 {
			t.Fatalf("%d cancelled", got)
		}
	})
}

func TestTasksSortedByColumn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, _ := bulkPool(t, nil, 3)
		if _, err := p.SetPriorityMany([]string{po(4)}, vocab.Low); err != nil {
			t.Fatal(err)
		}
		if _, err := p.SetPriorityMany([]string{po(5)}, vocab.High); err != nil {
			t.Fatal(err)
		}
		order := func(k pool.SortKey) []string {
			var out []string
			for _, ti := range p.Tasks(pool.TaskQuery{IncludeDone: true, Sort: k}).Tasks {
				out = append(out, ti.PO[len(ti.PO)-1:])
			}
			return out
		}
		for _, c := range []struct {
			k    pool.SortKey
			want []string
		}{
			{pool.SortDisplay, []string{"2", "5", "3", "4", "1", "0"}},
			{pool.SortPO, []string{"0", "1", "2", "3", "4", "5"}},
			{pool.SortPriority, []string{"5", "2", "3", "1", "0", "4"}},
			{pool.SortState, []string{"2", "1", "5", "3", "4", "0"}},
			{pool.SortAttempts, []string{"2", "1", "0", "5", "3", "4"}},
		} {
			if got := order(c.k); !slices.Equal(got, c.want) {
				t.Errorf("sorted by %s: %v, want %v", c.k, got, c.want)
			}
		}
		// A window of a sorted view.
		page := p.Tasks(pool.TaskQuery{Offset: 2, Limit: 2, IncludeDone: true, Sort: pool.SortPO})
		if page.Total != 6 || len(page.Tasks) != 2 || page.Tasks[0].PO != po(2) {
			t.Fatalf("window: total %d, %v", page.Total, page.Tasks)
		}
	})
}
