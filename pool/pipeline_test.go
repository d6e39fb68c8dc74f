package pool_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// paged is a PO whose page loads until page opens and whose downloads run
// until files opens.
func paged(page, files *pooltest.Gate) pooltest.Attempt {
	return pooltest.Attempt{Page: page, Gate: files,
		Result: coupa.Result{Status: vocab.Completed, Found: 1, Downloaded: 1}}
}

// gatePair scripts po(1) and po(2) on e: each reads its page when its
// page gate opens and ends COMPLETED when its files gate opens.
func gatePair(e *pooltest.Engine) (page1, files1, page2, files2 *pooltest.Gate) {
	page1, files1, page2, files2 = pooltest.NewGate(), pooltest.NewGate(), pooltest.NewGate(), pooltest.NewGate()
	e.On(po(1), paged(page1, files1))
	e.On(po(2), paged(page2, files2))
	return page1, files1, page2, files2
}

func running(p *pool.Pool, pos ...string) []string {
	var out []string
	for _, po := range pos {
		if ti, ok := p.Task(po); ok && ti.State == vocab.TaskRunning {
			out = append(out, po)
		}
	}
	return out
}

func heldBy(w pool.WorkerInfo) string {
	var s []string
	for _, t := range w.Tasks {
		mark := "loading"
		if t.PageRead {
			mark = "read"
		}
		s = append(s, t.PO+":"+mark)
	}
	return strings.Join(s, " ")
}

// A worker takes its next PO once the one it holds has read its page, up
// to pipeline_depth POs at once; with pipeline_depth 1 it waits for the PO
// to end. The worker shows every PO it holds, and PO is the newest one.
func TestPipelineTakesTheNextPOOnceThePageIsRead(t *testing.T) {
	for _, depth := range []int{1, 2} {
		t.Run(map[int]string{1: "depth 1", 2: "depth 2"}[depth], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := &fakeRecorder{}
				e := pooltest.NewEngine(nil)
				page1, files1, page2, files2 := gatePair(e)
				cfg := fakeConfig()
				cfg.WorkerCount, cfg.PipelineDepth = 1, depth
				p, _ := pool.New(cfg, pool.Deps{Engine: e, Recorder: rec})
				p.Start(context.Background())
				defer p.Close()
				var hs []*pool.Handle
				for i := 1; i <= 3; i++ {
					h, _ := p.Submit(po(i), vocab.Normal, pool.Meta{})
					hs = append(hs, h)
				}
				synctest.Wait()
				if got := running(p, po(1), po(2), po(3)); !slices.Equal(got, []string{po(1)}) {
					t.Fatalf("while the first page loads: running %v, want only %s", got, po(1))
				}
				page1.Open()
				synctest.Wait()
				w := p.Snapshot().Workers[0]
				if depth == 1 {
					if got := running(p, po(1), po(2), po(3)); !slices.Equal(got, []string{po(1)}) {
						t.Fatalf("depth 1, first PO downloading: running %v, want only %s", got, po(1))
					}
				} else {
					if got := running(p, po(1), po(2), po(3)); !slices.Equal(got, []string{po(1), po(2)}) {
						t.Fatalf("first PO downloading: running %v, want %s and %s", got, po(1), po(2))
					}
					if got, want := heldBy(w), po(1)+":read "+po(2)+":loading"; got != want || w.PO != po(2) || w.State != pool.WorkerBusy {
						t.Fatalf("worker %s holds %q, PO %s; want busy, %q, PO %s", w.State, got, w.PO, want, po(2))
					}
					page2.Open()
					synctest.Wait()
					if got := running(p, po(3)); len(got) != 0 {
						t.Fatalf("two POs held: the third started too")
					}
				}
				files1.Open()
				synctest.Wait()
				if depth == 1 {
					if got := running(p, po(2), po(3)); !slices.Equal(got, []string{po(2)}) {
						t.Fatalf("depth 1 after the first PO: running %v, want %s", got, po(2))
					}
					page2.Open()
				}
				files2.Open()
				for _, h := range hs {
					if st := wait(t, h).Result.Status; st != vocab.Completed {
						t.Fatalf("PO%s: %s", h.PO(), st)
					}
				}
				if got := e.Order(); !slices.Equal(got, []string{po(1), po(2), po(3)}) {
					t.Errorf("order %v", got)
				}
				// The journal got each PO's attempt before its outcome.
				for i := 1; i <= 3; i++ {
					if got := strings.Join(rec.kinds(po(i)), ","); got != "task.started,task.finished" {
						t.Errorf("PO%s recorded %s", po(i), got)
					}
				}
				if w := p.Snapshot().Workers[0]; w.State != pool.WorkerIdle || w.Tasks != nil || w.PO != "" {
					t.Errorf("worker after every PO: %s holding %q (PO %q)", w.State, heldBy(w), w.PO)
				}
			})
		})
	}
}

// The PO a pipelined worker takes next is the first in priority order at
// that moment, after any change of priority made while the page loaded.
func TestPipelineKeepsPriorities(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(pooltest.Attempt{PageRead: true,
			Result: coupa.Result{Status: vocab.Completed, Found: 1, Downloaded: 1}})
		page1, files1 := pooltest.NewGate(), pooltest.NewGate()
		e.On(po(1), paged(page1, files1))
		cfg := oneWorker()
		p := startPool(t, cfg, e)
		h1, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		synctest.Wait()
		var hs []*pool.Handle
		for i, pr := range []vocab.Priority{vocab.Low, vocab.Normal, vocab.High, vocab.Low} {
			h, _ := p.Submit(po(2+i), pr, pool.Meta{})
			hs = append(hs, h)
		}
		if err := p.SetPriority(po(5), vocab.Urgent); err != nil { // while the first page loads
			t.Fatal(err)
		}
		page1.Open()
		for _, h := range hs {
			wait(t, h)
		}
		files1.Open()
		wait(t, h1)
		if got, want := e.Order(), []string{po(1), po(5), po(4), po(3), po(2)}; !slices.Equal(got, want) {
			t.Fatalf("order %v, want %v", got, want)
		}
	})
}

// Either PO a worker holds can be cancelled: it ends CANCELLED, the other
// one goes on, and the browser stays.
func TestPipelineCancelEitherPO(t *testing.T) {
	for _, which := range []int{1, 2} {
		name := map[int]string{1: "the downloading one", 2: "the loading one"}[which]
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := pooltest.NewEngine(nil)
				page1, files1, page2, files2 := gatePair(e)
				cfg := oneWorker()
				p := startPool(t, cfg, e)
				h1, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
				h2, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
				page1.Open()
				synctest.Wait()
				if got := running(p, po(1), po(2)); len(got) != 2 {
					t.Fatalf("running %v, want both", got)
				}
				cancelled, other := h1, h2
				if which == 2 {
					cancelled, other = h2, h1
				}
				if err := cancelled.Cancel(); err != nil {
					t.Fatal(err)
				}
				if st := wait(t, cancelled).Result.Status; st != vocab.Cancelled {
					t.Fatalf("cancelled PO: %s", st)
				}
				if st := other.Status(); st.State != vocab.TaskRunning {
					t.Fatalf("the other PO: %s, want still running", st.State)
				}
				page2.Open()
				files1.Open()
				files2.Open()
				if st := wait(t, other).Result.Status; st != vocab.Completed {
					t.Fatalf("the other PO: %s", st)
				}
				if n := e.Launches(); n != 1 {
					t.Errorf("%d launches: a cancel must leave the browser", n)
				}
			})
		})
	}
}

// A browser that dies with two POs in it: both go back to the front of
// the queue, are retried once each, and the browser restarts once.
func TestPipelineCrashRetriesBothPOs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		page1, files1, page2 := pooltest.NewGate(), pooltest.NewGate(), pooltest.NewGate()
		first := func(s pooltest.Script) pooltest.Script {
			return pooltest.Attempts(s, pooltest.Complete)
		}
		e.On(po(1), first(paged(page1, files1)))
		e.On(po(2), first(paged(page2, pooltest.NewGate())))
		cfg := oneWorker()
		p := startPaused(t, cfg, e)
		h1, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		h2, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
		h3, _ := p.Submit(po(3), vocab.Normal, pool.Meta{})
		p.Resume()
		page1.Open()
		synctest.Wait()
		if got := running(p, po(1), po(2)); len(got) != 2 {
			t.Fatalf("running %v, want both", got)
		}
		e.Browser(1).Kill()
		for _, h := range []*pool.Handle{h1, h2, h3} {
			ti := wait(t, h)
			want := 2
			if h == h3 {
				want = 1
			}
			if ti.Result.Status != vocab.Completed || ti.Attempts != want {
				t.Errorf("PO%s: %s after %d attempts, want COMPLETED after %d", h.PO(), ti.Result.Status, ti.Attempts, want)
			}
		}
		if got := e.Order(); len(got) != 5 || got[4] != po(3) {
			t.Errorf("order %v: both crashed POs go back before the third", got)
		}
		if w := p.Snapshot().Workers[0]; w.Restarts != 1 {
			t.Errorf("restarts %d, want 1: one crash however many POs it held", w.Restarts)
		}
	})
}

// Shutdown lets both POs a worker holds finish, starts no other, and
// closes the browser only after both.
func TestPipelineShutdownDrainsBoth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		page1, files1, page2, files2 := gatePair(e)
		cfg := oneWorker()
		p, _ := pool.New(cfg, pool.Deps{Engine: e})
		p.Start(context.Background())
		h1, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		h2, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
		h3, _ := p.Submit(po(3), vocab.Normal, pool.Meta{})
		page1.Open()
		synctest.Wait()
		done := make(chan error, 1)
		go func() { done <- p.Shutdown(context.Background()) }()
		synctest.Wait()
		if s := p.Snapshot(); s.State != pool.PoolDraining || e.Alive() != 1 {
			t.Fatalf("draining: %s with %d browsers", s.State, e.Alive())
		}
		files1.Open()
		synctest.Wait()
		if e.Alive() != 1 {
			t.Fatal("browser closed while the second PO still runs")
		}
		page2.Open()
		files2.Open()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		for _, h := range []*pool.Handle{h1, h2} {
			if st := h.Status().Result.Status; st != vocab.Completed {
				t.Errorf("PO%s after the drain: %s", h.PO(), st)
			}
		}
		if st := h3.Status(); st.State != vocab.TaskQueued {
			t.Errorf("third PO: %s, want left queued (PENDING)", st.State)
		}
		if e.Alive() != 0 {
			t.Errorf("%d browsers alive after shutdown", e.Alive())
		}
	})
}

// A browser due for recycling is restarted only once every PO it holds
// has ended.
func TestPipelineRecyclesAfterBothPOs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		page1, files1, page2, files2 := gatePair(e)
		cfg := fakeConfig()
		cfg.WorkerCount, cfg.RecycleAfterTasks = 1, 1
		p := startPool(t, cfg, e)
		h1, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		h2, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
		h3, _ := p.Submit(po(3), vocab.Normal, pool.Meta{})
		page1.Open()
		synctest.Wait()
		files1.Open()
		wait(t, h1)
		synctest.Wait()
		if b := e.Browser(1); b.Closes() != 0 || h2.Status().State != vocab.TaskRunning {
			t.Fatalf("recycled with a PO in it (closes %d, second PO %s)", b.Closes(), h2.Status().State)
		}
		if st := h3.Status().State; st != vocab.TaskQueued {
			t.Fatalf("a browser due for recycling took another PO: %s", st)
		}
		page2.Open()
		files2.Open()
		wait(t, h2)
		wait(t, h3)
		synctest.Wait()
		if n := e.Launches(); n != 3 {
			t.Errorf("%d launches, want 3 (recycled after the first two POs, then after the third)", n)
		}
	})
}

// A PO whose page never loads ends TIMEOUT after task_timeout and holds
// no slot after; the worker's next PO runs.
func TestPipelinePageThatNeverLoadsTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		e.On(po(1), paged(pooltest.NewGate(), nil))
		cfg := fakeConfig()
		cfg.WorkerCount, cfg.MaxRetries = 1, 0
		p := startPool(t, cfg, e)
		h1, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		h2, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
		ti := wait(t, h1)
		if ti.Result.Status != vocab.Timeout {
			t.Fatalf("PO whose page never loads: %s (%v)", ti.Result.Status, ti.Result.Err)
		}
		if d := ti.Finished.Sub(ti.Started); d != cfg.TaskTimeout {
			t.Errorf("took %s, want task_timeout %s", d, cfg.TaskTimeout)
		}
		if st := wait(t, h2).Result.Status; st != vocab.Completed {
			t.Fatalf("next PO: %s", st)
		}
	})
}
