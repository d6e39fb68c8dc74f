package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"coupatui/coupa"
	"coupatui/internal/testkit"
	"coupatui/pool"
	"coupatui/store"
	"coupatui/vocab"
)

// fill writes a file until the disk has no room left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// A journal on a disk that fills holds the pool, saying why, and drops
// nothing: once space is freed the pool resumes by itself and every
// outcome is recorded.
func TestJournalOnAFullDiskPausesAndResumes(t *testing.T) {
	disk := testkit.Tmpfs(t, 8<<20) // room for SQLite's WAL to reach its checkpoint
	st := openStore(t, disk)
	r, err := st.BeginRun("/in/pos.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Finish(false)
	// Let the journal settle its first pages, then fill what is left.
	if err := r.Record(context.Background(), store.Transition{PO: "4500000000", State: vocab.TaskQueued}); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(disk, "filler")
	fill(t, filler)

	e := fakeEngine(func(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
		return coupa.Result{PO: job.PO, Status: vocab.Completed, Found: 1, Downloaded: 1, Files: []string{"quote.pdf"}}
	})
	p, err := pool.New(testPoolConfig(2), pool.Deps{Engine: e, Recorder: &recorder{run: r}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var hs []*pool.Handle
	for i := range 100 {
		h, _ := p.Submit(po(i), vocab.Normal, pool.Meta{Row: i + 1})
		hs = append(hs, h)
	}
	if err := p.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	var hold pool.HoldInfo
	testkit.WaitFor(t, "the journal hold", time.Minute, func() bool {
		for _, h := range p.Snapshot().Holds {
			if h.Hold == pool.HoldJournal {
				hold = h
				return true
			}
		}
		return false
	})
	if !strings.Contains(hold.Reason, "disk full") {
		t.Errorf("hold reason %q does not say the disk is full", hold.Reason)
	}
	t.Logf("held: %s", hold.Reason)
	done := p.Snapshot().Counts.Done
	time.Sleep(500 * time.Millisecond)
	if now := p.Snapshot().Counts.Done; now != done {
		t.Errorf("outcomes shown while the journal could not record them: %d → %d", done, now)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := p.Wait(ctx); err != nil {
		t.Fatalf("after freeing space: %v (%+v)", err, p.Snapshot().Holds)
	}
	if holds := p.Snapshot().Holds; len(holds) != 0 {
		t.Errorf("holds after the journal recovered: %+v", holds)
	}
	latest, err := st.Latest("/in/pos.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		if tr := latest[h.PO()]; tr.State != vocab.TaskDone || tr.Status != "COMPLETED" {
			t.Errorf("PO%s in the journal: %s %s", h.PO(), tr.State, tr.Status)
		}
	}
}

func po(i int) string { return fmt.Sprintf("45%08d", i) }
