package pool_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// fakeConfig is the defaults with timings made short, for the fake engine.
func fakeConfig() pool.Config {
	c := pool.ConfigFrom(config.Default())
	c.WorkerCount, c.MinWorkers, c.MaxWorkers = 2, 1, 4
	c.TaskTimeout = time.Minute
	c.RetryBackoff, c.RetryBackoffMax = time.Second, 10*time.Second
	c.RestartBackoff, c.RestartBackoffMax = 100*time.Millisecond, time.Second
	c.HealthInterval, c.HealthTimeout = time.Second, 500*time.Millisecond
	c.WorkerStartupTimeout = 5 * time.Second
	return c
}

// oneWorker is fakeConfig with one worker.
func oneWorker() pool.Config {
	c := fakeConfig()
	c.WorkerCount = 1
	return c
}

func startPool(t *testing.T, cfg pool.Config, e *pooltest.Engine) *pool.Pool {
	t.Helper()
	p, err := pool.New(cfg, pool.Deps{Engine: e, Rand: pooltest.NoJitter()})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		if n := e.Alive(); n != 0 {
			t.Errorf("%d browsers still alive after shutdown", n)
		}
		if o := e.Overlaps(); len(o) > 0 {
			t.Errorf("POs run on two browsers at once: %v", o)
		}
	})
	return p
}

// startPaused is startPool paused: what the test submits queues up, and
// runs only after Resume.
func startPaused(t *testing.T, cfg pool.Config, e *pooltest.Engine) *pool.Pool {
	t.Helper()
	p := startPool(t, cfg, e)
	p.Pause()
	return p
}

func wait(t *testing.T, h *pool.Handle) pool.TaskInfo {
	t.Helper()
	ti, err := h.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ti
}

// wantCompletedFirstTry waits for every task of hs and fails unless each
// completed on its first attempt: a hold put them back in the queue
// without spending one.
func wantCompletedFirstTry(t *testing.T, hs []*pool.Handle) {
	t.Helper()
	for _, h := range hs {
		ti := wait(t, h)
		if ti.Result.Status != vocab.Completed || ti.Attempts != 1 {
			t.Fatalf("PO %s: %s after %d attempts, want COMPLETED after 1", ti.PO, ti.Result.Status, ti.Attempts)
		}
	}
}

func po(i int) string { return fmt.Sprintf("45%08d", i) }

// startSubscribed starts a pool subscribed to from before its start, so
// the subscription misses no event; at cleanup the pool closes, then the
// subscription. Start may take 2 minutes (real browsers launching).
func startSubscribed(t *testing.T, cfg pool.Config, deps pool.Deps) (*pool.Pool, *pool.Subscription) {
	t.Helper()
	p, err := pool.New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	sub := p.Subscribe(0)
	t.Cleanup(func() {
		p.Close()
		sub.Close()
	})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return p, sub
}

// closeAfterGrace closes p once every goroutine of the bubble is blocked,
// and checks that Close waited exactly its 10 s grace for the tasks that
// ignore cancellation.
func closeAfterGrace(t *testing.T, p *pool.Pool) {
	t.Helper()
	synctest.Wait()
	start := time.Now()
	p.Close()
	if d := time.Since(start); d != 10*time.Second {
		t.Errorf("Close took %s, want the 10s grace", d)
	}
}

// submitN submits po(0) to po(n-1) at normal priority.
func submitN(t *testing.T, p *pool.Pool, n int) []*pool.Handle {
	t.Helper()
	hs := make([]*pool.Handle, n)
	for i := range hs {
		h, err := p.Submit(po(i), vocab.Normal, pool.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		hs[i] = h
	}
	return hs
}

func TestPriorityOrderOnOneWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := oneWorker()
		e := pooltest.NewEngine(nil)
		p := startPaused(t, cfg, e)
		var hs []*pool.Handle
		for i, pr := range []vocab.Priority{vocab.Low, vocab.Normal, vocab.Urgent, vocab.High, vocab.Normal, vocab.Urgent} {
			h, err := p.Submit(po(i), pr, pool.Meta{Row: i + 1})
			if err != nil {
				t.Fatal(err)
			}
			hs = append(hs, h)
		}
		if err := hs[0].SetPriority(vocab.Urgent); err != nil { // Low → Urgent: behind the two urgent ones
			t.Fatal(err)
		}
		p.Resume()
		for _, h := range hs {
			wait(t, h)
		}
		order := e.Order()
		want := []string{po(2), po(5), po(0), po(3), po(1), po(4)}
		if !slices.Equal(order, want) {
			t.Fatalf("processing order %v, want %v", order, want)
		}
	})
}

func TestDuplicateSubmitReturnsLiveTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		p := startPaused(t, fakeConfig(), e)
		h1, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		h2, _ := p.Submit(po(1), vocab.High, pool.Meta{})
		if h1.ID() != h2.ID() {
			t.Fatalf("duplicate submit made task %d beside %d", h2.ID(), h1.ID())
		}
		if _, err := p.Submit("12AB", vocab.Normal, pool.Meta{}); !errors.Is(err, pool.ErrInvalidPO) {
			t.Fatalf("submit of a non-number: %v, want ErrInvalidPO", err)
		}
		p.Resume()
		if got := wait(t, h1).Result.Status; got != vocab.Completed {
			t.Fatalf("status %s", got)
		}
		if n := e.Runs(po(1)); n != 1 {
			t.Fatalf("PO processed %d times, want once", n)
		}
		if s := p.Snapshot(); s.Counts.Total != 1 || s.Counts.Done != 1 {
			t.Fatalf("counts %+v", s.Counts)
		}
	})
}

func TestCancelQueuedAndRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := oneWorker()
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			if job.PO == po(1) {
				return pooltest.Block.Run(ctx, b, job, progress)
			}
			return pooltest.Complete.Run(ctx, b, job, progress)
		}))
		p := startPool(t, cfg, e)
		running, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		queued, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
		after, _ := p.Submit(po(3), vocab.Normal, pool.Meta{})
		synctest.Wait()
		if st := running.Status().State; st != vocab.TaskRunning {
			t.Fatalf("first task %s, want running", st)
		}
		if err := p.Cancel(po(2)); err != nil {
			t.Fatal(err)
		}
		if ti := queued.Status(); ti.State != vocab.TaskDone || ti.Result.Status != vocab.Cancelled || ti.Attempts != 0 {
			t.Fatalf("queued task after cancel: %+v", ti)
		}
		if err := running.Cancel(); err != nil {
			t.Fatal(err)
		}
		if got := wait(t, running).Result.Status; got != vocab.Cancelled {
			t.Fatalf("running task ended %s, want CANCELLED", got)
		}
		if got := wait(t, after).Result.Status; got != vocab.Completed {
			t.Fatalf("next task ended %s", got)
		}
		launches := e.Launches()
		if launches != 1 {
			t.Fatalf("%d launches: cancelling a task must leave its browser usable", launches)
		}
		if e.Runs(po(2)) != 0 {
			t.Fatal("a cancelled queued task was processed")
		}
	})
}

func TestRetriesWithBackoffThenSuccess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var starts []time.Time
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			starts = append(starts, time.Now())
			if len(starts) < 3 {
				return coupa.Result{Status: vocab.Failed, Err: errors.New("503 Service Unavailable"), Retryable: true}
			}
			return pooltest.Complete.Run(ctx, b, job, progress)
		}))
		cfg := oneWorker()
		p := startPool(t, cfg, e)
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		ti := wait(t, h)
		if ti.Result.Status != vocab.Completed || ti.Attempts != 3 || len(ti.Errors) != 2 {
			t.Fatalf("task %+v", ti)
		}
		if d := starts[1].Sub(starts[0]); d != time.Second {
			t.Errorf("first backoff %s, want 1s", d)
		}
		if d := starts[2].Sub(starts[1]); d != 2*time.Second {
			t.Errorf("second backoff %s, want 2s", d)
		}
	})
}

func TestRetriesGiveUpAndDeterministicNever(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			if job.PO == po(1) {
				return coupa.Result{Status: vocab.NotFound}
			}
			return coupa.Result{Status: vocab.Failed, Err: errors.New("503"), Retryable: true}
		}))
		cfg := fakeConfig()
		cfg.MaxRetries = 2
		p := startPool(t, cfg, e)
		nf, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		bad, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
		if ti := wait(t, nf); ti.Result.Status != vocab.NotFound || ti.Attempts != 1 {
			t.Fatalf("not-found task: %+v", ti)
		}
		if ti := wait(t, bad); ti.Result.Status != vocab.Failed || ti.Attempts != 3 {
			t.Fatalf("failing task: status %s after %d attempts, want FAILED after 3", ti.Result.Status, ti.Attempts)
		}
		if err := p.Retry(po(1)); !errors.Is(err, pool.ErrNotFailed) {
			t.Fatalf("retry of PO_NOT_FOUND: %v", err)
		}
		if err := p.Retry(po(2)); err != nil {
			t.Fatalf("operator retry: %v", err)
		}
		h, _ := p.Lookup(po(2))
		if h.ID() == bad.ID() {
			t.Fatal("operator retry reused the finished task")
		}
		wait(t, h)
	})
}

func TestCrashRequeuesAtFrontAndRestarts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		crashed := false
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			if job.PO == po(1) && !crashed {
				crashed = true
				b.Kill() // the browser dies mid-task
				return pooltest.Block.Run(ctx, b, job, progress)
			}
			return pooltest.Complete.Run(ctx, b, job, progress)
		}))
		cfg := oneWorker()
		p := startPaused(t, cfg, e)
		h1, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		h2, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
		p.Resume()
		ti := wait(t, h1)
		wait(t, h2)
		if ti.Result.Status != vocab.Completed || ti.Attempts != 2 {
			t.Fatalf("crashed task: %s after %d attempts, want COMPLETED after 2", ti.Result.Status, ti.Attempts)
		}
		order := e.Order()
		if want := []string{po(1), po(1), po(2)}; !slices.Equal(order, want) {
			t.Fatalf("order %v, want %v: a crashed task goes back to the front", order, want)
		}
		s := p.Snapshot()
		if len(s.Workers) != 1 || s.Workers[0].Restarts != 1 {
			t.Fatalf("workers %+v, want one worker restarted once", s.Workers)
		}
	})
}

func TestHungBrowserKilledByHealthCheck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			if b.Launch() == 1 {
				b.Hang()
				return pooltest.Block.Run(ctx, b, job, progress) // returns when the supervisor kills it
			}
			return pooltest.Complete.Run(ctx, b, job, progress)
		}))
		cfg := oneWorker()
		p := startPool(t, cfg, e)
		start := time.Now()
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		ti := wait(t, h)
		if ti.Result.Status != vocab.Completed || ti.Attempts != 2 {
			t.Fatalf("task on hung browser: %+v", ti)
		}
		// Two failed checks, one interval apart, each bounded by the health timeout.
		if d := time.Since(start); d > 3*cfg.HealthInterval+2*cfg.HealthTimeout+cfg.RestartBackoff {
			t.Fatalf("hung browser detected after %s", d)
		}
	})
}

func TestTaskTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			if job.PO == po(1) {
				return pooltest.Block.Run(ctx, b, job, progress) // a page whose script never ends
			}
			return pooltest.Complete.Run(ctx, b, job, progress)
		}))
		cfg := fakeConfig()
		cfg.WorkerCount, cfg.MaxRetries, cfg.TaskTimeout = 1, 1, 10*time.Second
		p := startPool(t, cfg, e)
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		next, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
		ti := wait(t, h)
		if ti.Result.Status != vocab.Timeout || ti.Attempts != 2 {
			t.Fatalf("hung page: %s after %d attempts, want TIMEOUT after 2", ti.Result.Status, ti.Attempts)
		}
		if got := wait(t, next).Result.Status; got != vocab.Completed {
			t.Fatalf("the pool did not go on: next task %s", got)
		}
	})
}

func TestScaleUpAndDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			<-release
			return pooltest.Complete.Run(ctx, b, job, progress)
		}))
		p := startPool(t, fakeConfig(), e)
		if err := p.Scale(5); !errors.Is(err, pool.ErrScaleLimit) {
			t.Fatalf("scale above max: %v", err)
		}
		if err := p.Scale(0); !errors.Is(err, pool.ErrScaleLimit) {
			t.Fatalf("scale below min: %v", err)
		}
		if err := p.Scale(4); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if n := p.Snapshot().WorkerCount; n != 4 {
			t.Fatalf("%d workers after scaling to 4", n)
		}
		var hs []*pool.Handle
		for i := range 2 { // two busy workers, two idle ones
			h, _ := p.Submit(po(i), vocab.Normal, pool.Meta{})
			hs = append(hs, h)
		}
		synctest.Wait()
		if err := p.Scale(1); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		s := p.Snapshot()
		busy, retiring := 0, 0
		for _, w := range s.Workers {
			if w.Task != 0 {
				busy++
			}
			if w.State == pool.WorkerRetiring {
				retiring++
			}
		}
		if len(s.Workers) != 2 || busy != 2 || retiring != 1 {
			t.Fatalf("after scaling to 1 with 2 busy: %d workers, %d busy, %d retiring; want idle ones gone first", len(s.Workers), busy, retiring)
		}
		close(release)
		for _, h := range hs {
			wait(t, h)
		}
		synctest.Wait()
		if n := p.Snapshot().WorkerCount; n != 1 {
			t.Fatalf("%d workers after the busy ones finished, want 1", n)
		}
	})
}

func TestRecycleAfterTasks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		cfg := fakeConfig()
		cfg.WorkerCount, cfg.RecycleAfterTasks = 1, 3
		p := startPool(t, cfg, e)
		hs := submitN(t, p, 7)
		for _, h := range hs {
			wait(t, h)
		}
		synctest.Wait()
		launches := e.Launches()
		if launches != 3 {
			t.Fatalf("%d launches for 7 tasks recycling every 3, want 3", launches)
		}
		if w := p.Snapshot().Workers[0]; w.Recycles != 2 || w.Restarts != 0 {
			t.Fatalf("worker %+v", w)
		}
	})
}

func TestLaunchFailureRetriedWithBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		e.FailLaunches(2)
		cfg := oneWorker()
		start := time.Now()
		p := startPool(t, cfg, e)
		if d := time.Since(start); d != cfg.RestartBackoff+2*cfg.RestartBackoff {
			t.Errorf("ready after %s, want 100ms+200ms of backoff", d)
		}
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		wait(t, h)
	})
}

func TestStartFailsWhenNoBrowserStarts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		e.FailLaunches(1 << 30)
		p, _ := pool.New(fakeConfig(), pool.Deps{Engine: e, Rand: pooltest.NoJitter()})
		err := p.Start(context.Background())
		if err == nil {
			t.Fatal("start succeeded with no browser")
		}
		t.Log(err)
		p.Shutdown(context.Background())
	})
}

func TestSignInWallPausesAndReauthenticateResumes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		e.SetSignedIn(false)
		p, sub := startSubscribed(t, fakeConfig(), pool.Deps{Engine: e, Rand: pooltest.NoJitter()})
		hs := submitN(t, p, 5)
		synctest.Wait()
		s := p.Snapshot()
		if s.State != pool.PoolSignInRequired {
			t.Fatalf("state %s, want sign-in required", s.State)
		}
		if s.Counts.Done != 0 || s.Counts.Queued != 5 {
			t.Fatalf("counts %+v: no task may fail because of the sign-in wall", s.Counts)
		}
		e.SetSignedIn(true)
		if err := p.Reauthenticate(); err != nil {
			t.Fatal(err)
		}
		wantCompletedFirstTry(t, hs)
		seen := map[pool.EventKind]bool{}
		for ev := range sub.C() {
			seen[ev.Kind] = true
			if ev.Kind == pool.EvSignInRestored {
				break
			}
		}
		if !seen[pool.EvSignInRequired] || seen[pool.EvTaskFinished] {
			t.Fatalf("events before the sign-in was restored: %v", seen)
		}
	})
}

// With POs queued, the first PO page read is the session check: no page
// of its own competes with the first POs; with nothing to do, a new
// browser checks the session on a page of its own.
func TestFirstPOPageChecksTheSession(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(pooltest.Attempt{PageRead: true, Result: coupa.Result{Status: vocab.Completed, Found: 1, Downloaded: 1}})
		p, err := pool.New(oneWorker(), pool.Deps{Engine: e, Rand: pooltest.NoJitter()})
		if err != nil {
			t.Fatal(err)
		}
		sub := p.Subscribe(0)
		defer sub.Close()
		for i := range 3 {
			if _, err := p.Submit(fmt.Sprint(4500000100+i), vocab.Normal, pool.Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		checked, finished := 0, 0
		for ev := range sub.C() {
			switch ev.Kind {
			case pool.EvSessionChecked:
				checked++
				if !strings.Contains(ev.Reason, "PO4500000100") {
					t.Errorf("session checked: %q, want it to name the first PO", ev.Reason)
				}
			case pool.EvTaskFinished:
				finished++
			}
			if finished == 3 {
				break
			}
		}
		if n := e.Checks(); n != 0 || checked != 1 {
			t.Errorf("%d session checks on a page of their own and %d session.checked events, want none and 1 with POs queued", n, checked)
		}

		idle := pooltest.NewEngine(nil)
		startPool(t, oneWorker(), idle)
		synctest.Wait()
		if n := idle.Checks(); n != 1 {
			t.Errorf("%d session checks in a pool with nothing queued, want 1", n)
		}
	})
}

// Shutdown drains and forces nothing: when its context ends it returns
// the context's error with the slow task still running; Close cancels it.
func TestShutdownDrainsAndForcesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			if job.PO == po(1) { // finishes within the drain window
				select {
				case <-time.After(5 * time.Second):
					return pooltest.Complete.Run(ctx, b, job, progress)
				case <-ctx.Done():
				}
			}
			return pooltest.Block.Run(ctx, b, job, progress)
		}))
		p, _ := pool.New(fakeConfig(), pool.Deps{Engine: e})
		if err := p.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		quick, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		slow, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
		pending, _ := p.Submit(po(3), vocab.Normal, pool.Meta{})
		synctest.Wait()
		const window = 20 * time.Second
		ctx, cancel := context.WithTimeout(context.Background(), window)
		defer cancel()
		start := time.Now()
		if err := p.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Shutdown with a task still running: %v, want the context's deadline", err)
		}
		if d := time.Since(start); d != window {
			t.Errorf("shutdown took %s, want the %s drain window", d, window)
		}
		if s := p.Snapshot(); s.State != pool.PoolDraining || !s.DrainDeadline.Equal(start.Add(window)) {
			t.Errorf("after the deadline: %s, drain deadline %v", s.State, s.DrainDeadline)
		}
		if got := quick.Status().Result.Status; got != vocab.Completed {
			t.Errorf("task that finished while draining: %s", got)
		}
		if st := slow.Status(); st.State != vocab.TaskRunning {
			t.Errorf("Shutdown forced the slow task: %s %s", st.State, st.Result.Status)
		}
		start = time.Now()
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("Close waited %s for a task that honours cancellation", d)
		}
		if got := slow.Status().Result.Status; got != vocab.Cancelled {
			t.Errorf("task running at Close: %s, want CANCELLED", got)
		}
		if st := pending.Status(); st.State != vocab.TaskQueued {
			t.Errorf("queued task after shutdown: %s, want queued (PENDING)", st.State)
		}
		if n := e.Alive(); n != 0 {
			t.Errorf("%d browsers alive after shutdown", n)
		}
		if s := p.Snapshot(); s.State != pool.PoolStopped || len(s.Workers) != 0 {
			t.Errorf("after shutdown: %s with %d workers", s.State, len(s.Workers))
		}
		if err := p.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown after Close: %v", err)
		}
		if err := p.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if _, err := p.Submit(po(9), vocab.Normal, pool.Meta{}); !errors.Is(err, pool.ErrStopped) {
			t.Errorf("submit after shutdown: %v", err)
		}
	})
}

// Close during a Shutdown cancels what runs, and the Shutdown returns.
func TestCloseDuringShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(pooltest.Block)
		p, _ := pool.New(fakeConfig(), pool.Deps{Engine: e, Rand: pooltest.NoJitter()})
		p.Start(context.Background())
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		synctest.Wait()
		first := make(chan error)
		go func() { first <- p.Shutdown(context.Background()) }()
		synctest.Wait()
		if s := p.Snapshot().State; s != pool.PoolDraining {
			t.Fatalf("state %s while draining", s)
		}
		start := time.Now()
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("Close waited %s", d)
		}
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if got := h.Status().Result.Status; got != vocab.Cancelled {
			t.Fatalf("running task after Close: %s", got)
		}
	})
}

// Close kills the browser of a task that ignores cancellation, after a
// grace of 10 s.
func TestCloseKillsWhatIgnoresCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			<-b.Done() // only a kill ends it
			return coupa.Result{PO: job.PO, Status: vocab.Failed, Err: errors.New("browser gone"), Retryable: true}
		}))
		cfg := oneWorker()
		p, _ := pool.New(cfg, pool.Deps{Engine: e})
		p.Start(context.Background())
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		closeAfterGrace(t, p)
		if st := h.Status(); st.State == vocab.TaskRunning {
			t.Errorf("task still running after Close")
		}
		if n := e.Alive(); n != 0 {
			t.Errorf("%d browsers alive after Close", n)
		}
	})
}

func TestWaitReturnsWhenEveryTaskIsFinal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			time.Sleep(time.Second)
			return pooltest.Complete.Run(ctx, b, job, progress)
		}))
		p := startPool(t, fakeConfig(), e)
		for i := range 6 {
			p.Submit(po(i), vocab.Normal, pool.Meta{})
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if err := p.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait before the end: %v", err)
		}
		cancel()
		start := time.Now()
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("Wait returned %s later, want 1s (6 POs of 1s on 2 workers, 2s gone)", d)
		}
		if c := p.Snapshot().Counts; c.Done != 6 {
			t.Errorf("Wait returned with %d of 6 done", c.Done)
		}
	})
}

func TestSlowSubscriberLosesOnlyProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			return pooltest.Complete.Run(ctx, b, job, progress)
		}))
		cfg := oneWorker()
		p := startPool(t, cfg, e)
		sub := p.Subscribe(16) // never read until the end
		defer sub.Close()
		hs := submitN(t, p, 200)
		for _, h := range hs {
			wait(t, h)
		}
		finished, missed, progress := 0, 0, 0
		for finished < 200 {
			ev := <-sub.C()
			missed += ev.Missed
			switch ev.Kind {
			case pool.EvTaskFinished:
				finished++
			case pool.EvTaskProgress:
				progress++
			}
		}
		if missed == 0 || progress+missed != 200 {
			t.Fatalf("missed %d, delivered %d progress events of 200", missed, progress)
		}
	})
}

func TestSnapshotAndTasksWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		p := startPaused(t, fakeConfig(), e)
		for i := range 1000 {
			pr := vocab.Normal
			if i%100 == 0 {
				pr = vocab.Urgent
			}
			p.Submit(po(i), pr, pool.Meta{Row: i + 1})
		}
		page := p.Tasks(pool.TaskQuery{Offset: 5, Limit: 10})
		if page.Total != 1000 || len(page.Tasks) != 10 {
			t.Fatalf("page total %d len %d", page.Total, len(page.Tasks))
		}
		if page.Tasks[0].PO != po(500) || page.Tasks[5].PO != po(1) {
			t.Fatalf("window starts %s…%s, want urgent %s then normal %s", page.Tasks[0].PO, page.Tasks[5].PO, po(500), po(1))
		}
		deep := p.Tasks(pool.TaskQuery{Offset: 990, Limit: 20})
		if deep.Total != 1000 || len(deep.Tasks) != 10 || deep.Tasks[9].PO != po(999) {
			t.Fatalf("deep page: total %d, %d tasks", deep.Total, len(deep.Tasks))
		}
		f := p.Tasks(pool.TaskQuery{Filter: "4500000099", Limit: 10})
		if f.Total != 1 || f.Tasks[0].PO != po(99) {
			t.Fatalf("filtered page %+v", f)
		}
		if u := p.Tasks(pool.TaskQuery{Filter: "urgent", Limit: 50}); u.Total != 10 {
			t.Fatalf("urgent filter matched %d", u.Total)
		}
		s := p.Snapshot()
		if s.Counts.Queued != 1000 || s.State != pool.PoolPaused || s.TargetWorkers != 2 {
			t.Fatalf("snapshot %+v", s)
		}
	})
}

func TestPoolAppliesPressurePolicy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mon := pooltest.NewMonitor()
		e := pooltest.NewEngine(nil)
		cfg := fakeConfig()
		cfg.WorkerCount = 4
		p, sub := startSubscribed(t, cfg, pool.Deps{Engine: e, Monitor: mon, Rand: pooltest.NoJitter()})

		mon.Send(monitor.Sample{Time: time.Now(), UsedRatio: 0.95, Pressure: monitor.Critical,
			Trees: map[int]monitor.ProcTree{1: {Bytes: 400 << 20, Kind: "pss"}}})
		synctest.Wait()
		s := p.Snapshot()
		if s.WorkerCount != 1 || s.TargetWorkers != 4 || s.Effective != 1 {
			t.Fatalf("at critical: %d workers (target %d, effective %d), want 1", s.WorkerCount, s.TargetWorkers, s.Effective)
		}
		if s.Resources.Pressure != "critical" || s.Resources.UsagePercent != 95 {
			t.Fatalf("resources %+v", s.Resources)
		}
		// The run keeps moving on the one worker left.
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		if got := wait(t, h).Result.Status; got != vocab.Completed {
			t.Fatalf("task at critical: %s", got)
		}
		var reasons []string
		for len(reasons) == 0 {
			ev := <-sub.C()
			if ev.Kind == pool.EvPolicy {
				reasons = append(reasons, ev.Reason)
			}
		}
		if !strings.Contains(reasons[0], "critical") || !strings.Contains(reasons[0], "min_workers") {
			t.Fatalf("policy reason %q", reasons[0])
		}
		// Low for the recover window: back to the target.
		mon.Send(monitor.Sample{Time: time.Now(), UsedRatio: 0.3, Pressure: monitor.Ok})
		time.Sleep(cfg.Policy.RecoverWindow)
		mon.Send(monitor.Sample{Time: time.Now(), UsedRatio: 0.3, Pressure: monitor.Ok})
		synctest.Wait()
		if n := p.Snapshot().WorkerCount; n != 4 {
			t.Fatalf("after recovery: %d workers, want 4", n)
		}
	})
}
