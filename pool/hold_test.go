package pool

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"

	"coupatui/coupa"
)

func TestIsDiskFull(t *testing.T) {
	pe := &fs.PathError{Op: "write", Path: "/data/dl/PO1__WORK/a.pdf", Err: syscall.ENOSPC}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{pe, true},
		{fmt.Errorf("download a.pdf: %w", pe), true},
		{ErrDiskFull, true},
		{syscall.EACCES, false},
		{errors.New("no space left on device"), false}, // words are not evidence
		{nil, false},
	} {
		if got := IsDiskFull(tc.err); got != tc.want {
			t.Errorf("IsDiskFull(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if got := diskFullReason(fmt.Errorf("x: %w", pe)); got != "disk full at /data/dl/PO1__WORK" {
		t.Errorf("reason %q", got)
	}
}

// A full disk holds the pool with every PO back in the queue and none
// failed; Resume (space freed) lets them all complete, each counted once.
func TestDiskFullHoldsUntilResume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var full atomic.Bool
		full.Store(true)
		e := newFakeEngine(func(ctx context.Context, b *fakeBrowser, job coupa.Job) coupa.Result {
			if full.Load() {
				err := &fs.PathError{Op: "write", Path: "/dl/PO" + job.PO + "__WORK/a.pdf", Err: syscall.ENOSPC}
				return coupa.Result{PO: job.PO, Status: coupa.Partial, Found: 2, Downloaded: 1,
					Err: fmt.Errorf("download a.pdf: %w", err), Retryable: true}
			}
			return complete(ctx, b, job)
		})
		p, _ := New(testConfig(), Deps{Engine: e})
		sub := p.Subscribe(0)
		defer sub.Close()
		if err := p.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer p.Shutdown(context.Background())
		var hs []*Handle
		for i := range 5 {
			h, _ := p.Submit(po(i), Normal, Meta{})
			hs = append(hs, h)
		}
		synctest.Wait()
		s := p.Snapshot()
		if s.State != PoolPaused || len(s.Holds) != 1 || s.Holds[0].Hold != HoldDiskFull {
			t.Fatalf("state %s, holds %+v: want paused by one disk-full hold", s.State, s.Holds)
		}
		if want := "disk full at /dl/PO"; len(s.Reason) < len(want) || s.Reason[:len(want)] != want {
			t.Fatalf("reason %q, want it to name the folder", s.Reason)
		}
		if s.Counts.Done != 0 || s.Counts.Retrying != 0 || s.Counts.Queued != 5 {
			t.Fatalf("counts %+v: every PO must be back in the queue, none failed", s.Counts)
		}
		full.Store(false)
		if err := p.Resume(); err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			ti := wait(t, h)
			if ti.Result.Status != coupa.Completed || ti.Attempts != 1 {
				t.Fatalf("PO %s: %s after %d attempts, want COMPLETED after 1", ti.PO, ti.Result.Status, ti.Attempts)
			}
		}
		var held, released bool
		for ev := range sub.C() {
			switch ev.Kind {
			case EvPoolHeld:
				held = ev.Hold == HoldDiskFull
			case EvPoolReleased:
				released = ev.Hold == HoldDiskFull
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
		p := startPool(t, testConfig(), newFakeEngine(nil))
		p.Hold(HoldJournal, "journal: disk I/O error")
		p.Hold(HoldDiskFull, "disk full at /dl")
		h, _ := p.Submit(po(1), Normal, Meta{})
		synctest.Wait()
		if s := p.Snapshot(); s.State != PoolPaused || s.Counts.Queued != 1 || len(s.Holds) != 2 {
			t.Fatalf("snapshot %s %+v holds %d", s.State, s.Counts, len(s.Holds))
		}
		p.Release(HoldJournal)
		synctest.Wait()
		if s := p.Snapshot(); s.Counts.Queued != 1 || s.Holds[0].Hold != HoldDiskFull {
			t.Fatalf("after releasing the journal hold: %+v %+v", s.Counts, s.Holds)
		}
		p.Release(HoldDiskFull)
		if ti := wait(t, h); ti.Result.Status != coupa.Completed {
			t.Fatalf("status %s", ti.Result.Status)
		}
		if s := p.Snapshot(); s.State != PoolRunning || len(s.Holds) != 0 {
			t.Fatalf("state %s holds %+v", s.State, s.Holds)
		}
	})
}
