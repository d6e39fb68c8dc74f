package pooltest_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"coupatui/config"
	"coupatui/coupa"
	"coupatui/monitor"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

func launch(t *testing.T, e *pooltest.Engine, worker int) *pooltest.Browser {
	t.Helper()
	if _, err := e.Launch(context.Background(), worker); err != nil {
		t.Fatal(err)
	}
	return e.Browser(worker)
}

func TestAttemptEndsOnGateContextOrDeath(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := pooltest.NewGate()
		a := pooltest.Attempt{
			Progress:  []coupa.Progress{{Phase: "downloading", Found: 2}},
			Gate:      gate,
			Result:    coupa.Result{Status: vocab.Completed, Found: 2, Downloaded: 2},
			StopDelay: time.Second,
		}
		e := pooltest.NewEngine(nil)
		e.On("4500000001", a)
		b := launch(t, e, 1)
		job := coupa.Job{PO: "4500000001"}

		var got []coupa.Progress
		res := make(chan coupa.Result)
		go func() { res <- b.Process(context.Background(), job, func(p coupa.Progress) { got = append(got, p) }) }()
		synctest.Wait()
		if len(got) != 1 || got[0].Found != 2 {
			t.Fatalf("progress %+v", got)
		}
		gate.Open()
		if r := <-res; r.Status != vocab.Completed || r.PO != job.PO {
			t.Fatalf("after the gate opened: %+v", r)
		}

		// A shut gate: the context's end is honoured after StopDelay.
		a.Gate = pooltest.NewGate()
		e.On(job.PO, a)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { res <- b.Process(ctx, job, func(coupa.Progress) {}) }()
		synctest.Wait()
		cancel()
		start := time.Now()
		if r := <-res; r.Status != vocab.Cancelled || time.Since(start) != time.Second {
			t.Fatalf("after cancel: %s after %s", r.Status, time.Since(start))
		}

		go func() { res <- b.Process(context.Background(), job, func(coupa.Progress) {}) }()
		synctest.Wait()
		b.Kill()
		if r := <-res; r.Status != vocab.Failed || !r.Retryable {
			t.Fatalf("after the browser died: %+v", r)
		}
		if n := e.Runs(job.PO); n != 3 {
			t.Fatalf("%d runs counted, want 3", n)
		}
	})
}

func TestAttemptsPlaysOneScriptPerAttempt(t *testing.T) {
	fail := pooltest.Attempt{Result: coupa.Result{Status: vocab.Failed, Err: errors.New("503"), Retryable: true}}
	e := pooltest.NewEngine(pooltest.Attempts(fail, pooltest.Complete))
	b := launch(t, e, 1)
	var got []vocab.Status
	for range 3 {
		got = append(got, b.Process(context.Background(), coupa.Job{PO: "4500000002"}, func(coupa.Progress) {}).Status)
	}
	if got[0] != vocab.Failed || got[1] != vocab.Completed || got[2] != vocab.Completed {
		t.Fatalf("statuses %v", got)
	}
}

func TestSignInWallAndLaunchFailures(t *testing.T) {
	e := pooltest.NewEngine(nil)
	e.FailLaunches(1)
	if _, err := e.Launch(context.Background(), 1); err == nil {
		t.Fatal("the first launch should fail")
	}
	b := launch(t, e, 1)
	if b.PID() != 1002 || b.Launch() != 2 || e.Launches() != 2 {
		t.Fatalf("pid %d launch %d of %d", b.PID(), b.Launch(), e.Launches())
	}
	e.SetSignedIn(false)
	if err := b.CheckSession(context.Background()); !errors.Is(err, coupa.ErrSignInRequired) {
		t.Fatalf("check session: %v", err)
	}
	if r := b.Process(context.Background(), coupa.Job{PO: "4500000003"}, func(coupa.Progress) {}); !errors.Is(r.Err, coupa.ErrSignInRequired) {
		t.Fatalf("process behind the wall: %+v", r)
	}
	b.Close()
	if e.Alive() != 0 || b.Closes() != 1 {
		t.Fatalf("alive %d, closes %d", e.Alive(), b.Closes())
	}
}

// TestDrivesARealPool shows the kit's use: a real pool, a feed steering one
// task's progress, a sample from the fake monitor, every event recorded.
func TestDrivesARealPool(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		feed := pooltest.NewFeed()
		e := pooltest.NewEngine(nil)
		e.On("4500000004", feed)
		mon := pooltest.NewMonitor()
		cfg := pool.ConfigFrom(config.Default())
		cfg.WorkerCount = 1
		p, err := pool.New(cfg, pool.Deps{Engine: e, Monitor: mon})
		if err != nil {
			t.Fatal(err)
		}
		rec := pooltest.Record(p)
		if err := p.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		h, _ := p.Submit("4500000004", vocab.Normal, pool.Meta{})
		feed.Report(coupa.Progress{Phase: "downloading", Found: 3, Done: 1})
		if ti := h.Status(); ti.State != vocab.TaskRunning || ti.Progress.Done != 1 {
			t.Fatalf("task %+v", ti)
		}
		mon.Send(monitor.Sample{UsedRatio: 0.5, TotalBytes: 8 << 30, Trees: map[int]monitor.ProcTree{1: {Bytes: 300 << 20, Kind: "pss"}}})
		synctest.Wait()
		if s := p.Snapshot(); s.Resources.UsagePercent != 50 || s.Workers[0].MemBytes != 300<<20 {
			t.Fatalf("snapshot after a sample: %+v", s)
		}
		if pid := mon.Tracked()[1]; pid != 1001 {
			t.Fatalf("tracked pid %d", pid)
		}
		p.Cancel("4500000004")
		if ti, _ := h.Wait(context.Background()); ti.Result.Status != vocab.Cancelled {
			t.Fatalf("cancelled task %+v", ti)
		}
		p.Shutdown(context.Background())
		<-rec.Done()
		kinds := map[pool.EventKind]int{}
		for _, ev := range rec.Events() {
			kinds[ev.Kind]++
		}
		if kinds[pool.EvTaskQueued] != 1 || kinds[pool.EvTaskProgress] != 1 || kinds[pool.EvTaskCancelled] != 1 || kinds[pool.EvPoolStopped] != 1 {
			t.Fatalf("recorded %v", kinds)
		}
		if mon.Send(monitor.Sample{}) {
			t.Fatal("a sample was taken after the pool stopped")
		}
	})
}
