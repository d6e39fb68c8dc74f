package run

import (
	"context"
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
	"coupatui/sheet"
	"coupatui/vocab"
)

// plainSession is a session in plain mode over a real pool on a fake
// engine and a real journal, as process() wires one.
func plainSession(t *testing.T, attempt script, pos ...string) (*session, *testkit.Buffer) {
	t.Helper()
	dir := t.TempDir()
	in := writeInput(t, dir, pos...)
	st := openStore(t, dir)
	r, err := st.BeginRun(in.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Finish(false) })
	stderr := &testkit.Buffer{}
	s := &session{opts: Options{Input: in.Path, Report: filepath.Join(dir, "pos_results.xlsx"), NoTUI: true, Stderr: stderr, Stdout: stderr},
		log: discardLog(), said: discardLog(), in: in, journal: st, run: r, rec: &recorder{run: r}, root: dir,
		site: &coupa.Site{BaseURL: "https://acme.example"}, reportEvery: ReportInterval}
	s.quit = newQuitter(5*time.Second, stderr, s.log)
	t.Cleanup(s.quit.stop)
	p, err := pool.New(testPoolConfig(1), pool.Deps{Engine: fakeEngine(attempt), Recorder: s.rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	s.pool = p
	s.quit.attach(p, nil)
	return s, stderr
}

// In plain mode a disk-full hold ends the run: it drains, and the End is
// DiskFull (exit 4), saying where to free space.
func TestPlainEndsOnAFullDisk(t *testing.T) {
	s, stderr := plainSession(t, func(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
		if job.PO == "4500000002" {
			return coupa.Result{PO: job.PO, Status: vocab.Failed, Retryable: true,
				Err: fmt.Errorf("save q.pdf: %w", &os.PathError{Op: "write", Path: "/data/downloads/Acme/PO4500000002__WORK/q.pdf", Err: syscall.ENOSPC})}
		}
		return coupa.Result{PO: job.PO, Status: vocab.NoAttachments}
	}, "4500000001", "4500000002", "4500000003")
	sub := s.pool.Subscribe(0)
	defer sub.Close()
	if _, err := s.pool.SubmitMany(items(s.in.POs())); err != nil {
		t.Fatal(err)
	}
	if err := s.pool.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if end := s.plain(sub, 3); end != DiskFull {
		t.Fatalf("end %s, want disk full\n%s", end, stderr.String())
	}
	if !strings.Contains(stderr.String(), "disk full at /data/downloads/Acme/PO4500000002__WORK: free space and run again") {
		t.Errorf("stderr %q", stderr.String())
	}
	if st, _ := s.pool.Task("4500000002"); st.State == vocab.TaskDone {
		t.Errorf("the PO that met the full disk was marked %s", st.Result.Status)
	}
}

// Plain mode drains once every PO is final and ends Finished.
func TestPlainFinishes(t *testing.T) {
	s, stderr := plainSession(t, func(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
		return coupa.Result{PO: job.PO, Status: vocab.NoAttachments}
	}, "4500000001", "4500000002")
	sub := s.pool.Subscribe(0)
	defer sub.Close()
	s.pool.SubmitMany(items(s.in.POs()))
	s.pool.Start(t.Context())
	if end := s.plain(sub, 2); end != Finished {
		t.Fatalf("end %s\n%s", end, stderr.String())
	}
	if got := strings.Count(stderr.String(), "NO_ATTACHMENTS"); got != 2 {
		t.Errorf("%d progress lines:\n%s", got, stderr.String())
	}
}

// While outcomes change, the results workbook is rewritten from the
// journal every reportEvery, so a crash leaves a current one.
func TestWorkbookKeptCurrentDuringTheRun(t *testing.T) {
	release := make(chan struct{})
	s, _ := plainSession(t, func(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
		if job.PO == "4500000002" {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return coupa.Result{PO: job.PO, Status: vocab.NoAttachments}
	}, "4500000001", "4500000002")
	defer close(release)
	s.reportEvery = 50 * time.Millisecond
	stop := s.keepReport()
	defer stop()
	s.pool.SubmitMany(items(s.in.POs()))
	s.pool.Start(t.Context())
	testkit.WaitFor(t, "the workbook with the first outcome", 30*time.Second, func() bool {
		res, err := sheet.ReadResults(s.opts.Report)
		if err != nil {
			return false
		}
		got := map[string]string{}
		for _, r := range res.Rows {
			got[r.PO] = string(r.Outcome.Status)
		}
		return got["4500000001"] == "NO_ATTACHMENTS" && got["4500000002"] == "PENDING"
	})
	if latest, _ := s.journal.Latest(s.in.Path); latest["4500000002"].State != vocab.TaskRunning {
		t.Errorf("the running PO in the journal: %+v", latest["4500000002"])
	}
}
