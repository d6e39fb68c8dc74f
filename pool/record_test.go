package pool_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// fakeRecorder keeps what it is given; fail makes calls fail, and gate
// (when set) blocks final outcomes until it is closed.
type fakeRecorder struct {
	mu   sync.Mutex
	evs  []pool.Event
	fail int // calls left to fail
	err  error
	gate chan struct{}
}

func (r *fakeRecorder) Record(ctx context.Context, ev pool.Event) error {
	r.mu.Lock()
	gate := r.gate
	r.mu.Unlock()
	if gate != nil && (ev.Kind == pool.EvTaskFinished || ev.Kind == pool.EvTaskCancelled) {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != 0 {
		if r.fail > 0 {
			r.fail--
		}
		return r.err
	}
	r.evs = append(r.evs, ev)
	return nil
}

// openGate lets the held records through, then fails unless h ends with
// status and the journal holds kinds (comma-separated) for its PO.
func (r *fakeRecorder) openGate(t *testing.T, h *pool.Handle, status vocab.Status, kinds string) {
	t.Helper()
	close(r.gate)
	ti := wait(t, h)
	if ti.Result.Status != status {
		t.Fatalf("PO %s: %s, want %s", ti.PO, ti.Result.Status, status)
	}
	if got := strings.Join(r.kinds(ti.PO), ","); got != kinds {
		t.Errorf("recorded %s, want %s", got, kinds)
	}
}

func (r *fakeRecorder) kinds(po string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ev := range r.evs {
		if ev.Task != nil && ev.Task.PO == po {
			out = append(out, ev.Kind.String())
		}
	}
	return out
}

// drain returns the events sub has delivered so far (inside a synctest
// bubble).
func drain(sub *pool.Subscription) []pool.Event {
	var out []pool.Event
	for {
		synctest.Wait()
		select {
		case ev := <-sub.C():
			out = append(out, ev)
		default:
			return out
		}
	}
}

// An attempt is recorded before the browser opens the page; an outcome
// before it is counted, shown to subscribers or seen through a handle.
func TestRecorderWritesAheadOfEveryone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &fakeRecorder{gate: make(chan struct{})}
		var sawStarted []string
		var mu sync.Mutex
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			mu.Lock()
			sawStarted = rec.kinds(job.PO)
			mu.Unlock()
			return pooltest.Complete.Run(ctx, b, job, progress)
		}))
		p, _ := pool.New(fakeConfig(), pool.Deps{Engine: e, Recorder: rec})
		sub := p.Subscribe(0)
		defer sub.Close()
		p.Start(context.Background())
		defer p.Close()
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		synctest.Wait()
		mu.Lock()
		if strings.Join(sawStarted, ",") != "task.started" {
			t.Errorf("journal when the page opened: %v, want the started attempt", sawStarted)
		}
		mu.Unlock()
		// The outcome waits for the journal: nobody sees it yet.
		if st := h.Status(); st.State == vocab.TaskDone {
			t.Fatalf("outcome visible before it was recorded: %s", st.Result.Status)
		}
		if c := p.Snapshot().Counts; c.Done != 0 {
			t.Fatalf("outcome counted before it was recorded: %+v", c)
		}
		for _, ev := range drain(sub) {
			if ev.Kind == pool.EvTaskFinished {
				t.Fatal("subscriber told of an outcome before it was recorded")
			}
		}
		rec.openGate(t, h, vocab.Completed, "task.started,task.finished")
	})
}

// A journal on a full disk holds the pool and says why; once it writes
// again the pool resumes, and every transition is recorded once.
func TestFailingRecorderHoldsAndDropsNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &fakeRecorder{fail: -1, err: fmt.Errorf("journal: %w", syscall.ENOSPC)}
		e := pooltest.NewEngine(pooltest.Complete)
		cfg := oneWorker()
		p, _ := pool.New(cfg, pool.Deps{Engine: e, Recorder: rec})
		sub := p.Subscribe(0)
		defer sub.Close()
		p.Start(context.Background())
		defer p.Close()
		hs := submitN(t, p, 3)
		time.Sleep(time.Minute)
		s := p.Snapshot()
		if len(s.Holds) != 1 || s.Holds[0].Hold != pool.HoldJournal || !strings.Contains(s.Holds[0].Reason, "disk full") {
			t.Fatalf("holds while the journal fails: %+v", s.Holds)
		}
		if order := e.Order(); len(order) != 0 {
			t.Fatalf("pages opened while the journal could not record the attempt: %v", order)
		}
		rec.mu.Lock()
		rec.fail = 0
		rec.mu.Unlock()
		for _, h := range hs {
			if got := wait(t, h).Result.Status; got != vocab.Completed {
				t.Errorf("PO%s: %s", h.PO(), got)
			}
		}
		if s := p.Snapshot(); len(s.Holds) != 0 {
			t.Errorf("holds after the journal recovered: %+v", s.Holds)
		}
		for _, h := range hs {
			if got := strings.Join(rec.kinds(h.PO()), ","); got != "task.started,task.finished" {
				t.Errorf("PO%s recorded %s", h.PO(), got)
			}
		}
		var held, released bool
		for _, ev := range drain(sub) {
			held = held || ev.Kind == pool.EvPoolHeld && ev.Hold == pool.HoldJournal
			released = released || ev.Kind == pool.EvPoolReleased && ev.Hold == pool.HoldJournal
		}
		if !held || !released {
			t.Errorf("events: held %v, released %v", held, released)
		}
	})
}

// An outcome the journal never takes is not shown: Close gives up on it
// and the PO stays PENDING for a re-run.
func TestCloseGivesUpOnUnrecordedOutcomes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &fakeRecorder{gate: make(chan struct{})}
		p, _ := pool.New(fakeConfig(), pool.Deps{Engine: pooltest.NewEngine(pooltest.Complete), Recorder: rec})
		p.Start(context.Background())
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		closeAfterGrace(t, p)
		if st := h.Status(); st.State != vocab.TaskQueued {
			t.Errorf("unrecorded outcome: %s %s, want queued (PENDING)", st.State, st.Result.Status)
		}
		if c := p.Snapshot().Counts; c.Done != 0 {
			t.Errorf("unrecorded outcome counted: %+v", c)
		}
	})
}

// Cancelling a queued task records CANCELLED without making the caller
// (the console) wait for the journal.
func TestCancelQueuedIsRecordedWithoutWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &fakeRecorder{gate: make(chan struct{})}
		cfg := oneWorker()
		e := pooltest.NewEngine(pooltest.Block)
		p, _ := pool.New(cfg, pool.Deps{Engine: e, Recorder: rec})
		p.Start(context.Background())
		defer p.Close()
		p.Submit(po(1), vocab.Normal, pool.Meta{})
		h, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
		synctest.Wait()
		if err := h.Cancel(); err != nil {
			t.Fatal(err)
		}
		if st := h.Status(); st.State == vocab.TaskDone {
			t.Fatal("cancel shown before it was recorded")
		}
		rec.openGate(t, h, vocab.Cancelled, "task.cancelled")
	})
}
