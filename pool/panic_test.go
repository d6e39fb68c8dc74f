package pool_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"coupatui/coupa"
	"coupatui/internal/panics"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// A panic in one attempt, in Process itself or handed back by a goroutine
// it started (as coupa does for a download's), is one failed attempt: the
// pool logs it, restarts that browser and retries the PO; the run goes on.
func TestPanicInAnAttemptIsOneFailedAttempt(t *testing.T) {
	for _, tc := range []struct {
		name  string
		panic pooltest.Script
	}{
		{"in Process", pooltest.ScriptFunc(func(context.Context, *pooltest.Browser, coupa.Job, func(coupa.Progress)) coupa.Result {
			var m map[string]int
			m["boom"]++ // a nil map write: a real runtime panic
			return coupa.Result{}
		})},
		{"in a download goroutine", pooltest.ScriptFunc(func(_ context.Context, _ *pooltest.Browser, job coupa.Job, _ func(coupa.Progress)) coupa.Result {
			err := func() (err error) {
				defer panics.Catch(&err)
				panic("index out of range in a download")
			}()
			return coupa.Result{Status: vocab.Failed, Retryable: true, Err: fmt.Errorf("download: %w", err)}
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := pooltest.NewEngine(nil)
				e.On(po(1), pooltest.Attempts(tc.panic, pooltest.Complete))
				cfg := oneWorker()
				p := startPool(t, cfg, e)
				h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
				after, _ := p.Submit(po(2), vocab.Normal, pool.Meta{})
				ti := wait(t, h)
				if ti.Result.Status != vocab.Completed || ti.Attempts != 2 || len(ti.Errors) != 1 ||
					!strings.Contains(ti.Errors[0], "panic: ") {
					t.Fatalf("PO %s after %d attempts, errors %q: want COMPLETED on the retry after one panic",
						ti.Result.Status, ti.Attempts, ti.Errors)
				}
				if st := wait(t, after).Result.Status; st != vocab.Completed {
					t.Fatalf("the next PO ended %s", st)
				}
				first := e.Browsers()[0]
				if first.Closes() != 1 || e.Launches() != 2 {
					t.Fatalf("first browser closed %d times, %d launches: want it restarted once", first.Closes(), e.Launches())
				}
				if w := p.Snapshot().Workers[0]; w.Recycles != 1 || w.Restarts != 0 {
					t.Fatalf("worker %+v: want one restart for the panic, no crash counted", w)
				}
			})
		})
	}
}

// Tasks that failed together come back spread over (backoff/2, backoff]:
// the jitter comes from Deps.Rand, so a seeded source keeps the test exact.
func TestRetriesOfSimultaneousFailuresAreSpread(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex // guards starts
		starts := map[string][]time.Time{}
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			mu.Lock()
			starts[job.PO] = append(starts[job.PO], time.Now())
			n := len(starts[job.PO])
			mu.Unlock()
			if n == 1 {
				return coupa.Result{Status: vocab.Failed, Err: fmt.Errorf("HTTP 503"), Retryable: true}
			}
			return pooltest.Complete.Run(ctx, b, job, progress)
		}))
		cfg := fakeConfig()
		cfg.WorkerCount, cfg.MaxWorkers = 4, 4
		p, err := pool.New(cfg, pool.Deps{Engine: e, Rand: rand.New(rand.NewPCG(1, 2))})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer p.Shutdown(context.Background())
		hs := submitN(t, p, 4)
		waits := map[time.Duration]bool{}
		for i, h := range hs {
			wait(t, h)
			mu.Lock()
			s := starts[po(i)]
			mu.Unlock()
			d := s[1].Sub(s[0])
			if d <= cfg.RetryBackoff/2 || d > cfg.RetryBackoff {
				t.Errorf("PO %s retried after %s, want within (%s, %s]", po(i), d, cfg.RetryBackoff/2, cfg.RetryBackoff)
			}
			waits[d] = true
		}
		if len(waits) != len(hs) {
			t.Fatalf("retry waits %v: POs that failed together came back together", waits)
		}
	})
}
