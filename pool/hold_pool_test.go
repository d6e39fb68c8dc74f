package pool_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// A full disk holds the pool with every PO back in the queue and none
// failed; Resume (space freed) lets them all complete, each counted once.
func TestDiskFullHoldsUntilResume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var full atomic.Bool
		full.Store(true)
		e := pooltest.NewEngine(pooltest.ScriptFunc(func(ctx context.Context, b *pooltest.Browser, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
			if full.Load() {
				err := &fs.PathError{Op: "write", Path: "/dl/PO" + job.PO + "__WORK/a.pdf", Err: syscall.ENOSPC}
				return coupa.Result{PO: job.PO, Status: vocab.Partial, Found: 2, Downloaded: 1,
					Err: fmt.Errorf("download a.pdf: %w", err), Retryable: true}
			}
			return coupa.Result{PO: job.PO, Status: vocab.Completed, Found: 1, Downloaded: 1}
		}))
		p, sub := startSubscribed(t, fakeConfig(), pool.Deps{Engine: e})
		hs := submitN(t, p, 5)
		synctest.Wait()
		s := p.Snapshot()
		if s.State != pool.PoolPaused || len(s.Holds) != 1 || s.Holds[0].Hold != pool.HoldDiskFull {
			t.Fatalf("state %s, holds %+v: want paused by one disk-full hold", s.State, s.Holds)
		}
		if !strings.HasPrefix(s.Reason, "disk full at /dl/PO") {
			t.Fatalf("reason %q, want it to name the folder", s.Reason)
		}
		if s.Counts.Done != 0 || s.Counts.Retrying != 0 || s.Counts.Queued != 5 {
			t.Fatalf("counts %+v: every PO must be back in the queue, none failed", s.Counts)
		}
		full.Store(false)
		if err := p.Resume(); err != nil {
			t.Fatal(err)
		}
		wantCompletedFirstTry(t, hs)
		var held, released bool
		for ev := range sub.C() {
			switch ev.Kind {
			case pool.EvPoolHeld:
				held = ev.Hold == pool.HoldDiskFull
			case pool.EvPoolReleased:
				released = ev.Hold == pool.HoldDiskFull
			}
			if released {
				break
			}
		}
		if !held || !released {
			t.Fatalf("held %v released %v: want both events", held, released)
		}
	})
}

// A hold from outside (the journal) stops dispatch; releasing it resumes.
// Each hold is separate: releasing one leaves the others on.
func TestHoldsAreIndependent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := startPool(t, fakeConfig(), pooltest.NewEngine(nil))
		p.Hold(pool.HoldJournal, "journal: disk I/O error")
		p.Hold(pool.HoldDiskFull, "disk full at /dl")
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		synctest.Wait()
		if s := p.Snapshot(); s.State != pool.PoolPaused || s.Counts.Queued != 1 || len(s.Holds) != 2 {
			t.Fatalf("snapshot %s %+v holds %d", s.State, s.Counts, len(s.Holds))
		}
		p.Release(pool.HoldJournal)
		synctest.Wait()
		if s := p.Snapshot(); s.Counts.Queued != 1 || s.Holds[0].Hold != pool.HoldDiskFull {
			t.Fatalf("after releasing the journal hold: %+v %+v", s.Counts, s.Holds)
		}
		p.Release(pool.HoldDiskFull)
		if ti := wait(t, h); ti.Result.Status != vocab.Completed {
			t.Fatalf("status %s", ti.Result.Status)
		}
		if s := p.Snapshot(); s.State != pool.PoolRunning || len(s.Holds) != 0 {
			t.Fatalf("state %s holds %+v", s.State, s.Holds)
		}
	})
}
