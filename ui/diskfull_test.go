package ui

import (
	"context"
	"fmt"
	"io/fs"
	"syscall"
	"testing"
	"testing/synctest"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// Issue 11 item 8, the console's half: a full disk pauses the pool, the
// console says where and what to do ("free space, then press p"), the PO
// goes back to the queue rather than failing, and p resumes it.
func TestDiskFullPausesUntilP(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := plainPool(t, 1, nil)
		m := newSized(testOptions(f, nil), 120, 40)
		const work = "/dl/Acme/PO4500000701__WORK"
		full := pooltest.ScriptFunc(func(context.Context, *pooltest.Browser, coupa.Job, func(coupa.Progress)) coupa.Result {
			err := &fs.PathError{Op: "write", Path: work + "/quote.pdf", Err: syscall.ENOSPC}
			return coupa.Result{PO: "4500000701", Status: vocab.Partial, Found: 2, Downloaded: 1,
				Err: fmt.Errorf("download quote.pdf: %w", err), Retryable: true}
		})
		f.submit("4500000701", vocab.Normal, pooltest.Attempts(full, pooltest.Complete))
		f.settle("paused by the full disk", func() bool {
			s := f.p.Snapshot()
			return s.State == pool.PoolPaused && len(s.Holds) == 1 && s.Holds[0].Hold == pool.HoldDiskFull
		})
		if ti := f.task("4500000701"); ti.State != vocab.TaskQueued {
			t.Fatalf("PO %s after the full disk: want it back in the queue", ti.State)
		}
		var batch eventsMsg // what the bridge would deliver
		for _, ev := range f.rec.Events() {
			batch.add(ev)
		}
		m.Update(batch)
		mustContain(t, screen(m), "disk full at "+work+": free space, then press p")

		press(m, "p") // the operator freed space
		f.settle("the PO completed after p", func() bool {
			ti := f.task("4500000701")
			return ti.State == vocab.TaskDone && ti.Result.Status == vocab.Completed
		})
		if s := f.p.Snapshot(); s.State != pool.PoolRunning || len(s.Holds) != 0 {
			t.Fatalf("after p: state %s, holds %+v", s.State, s.Holds)
		}
	})
}
