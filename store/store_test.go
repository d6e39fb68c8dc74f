package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"coupatui/vocab"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// openTemp opens a journal in a fresh temporary folder and closes it when
// the test ends.
func openTemp(t testing.TB, opts ...Option) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.sqlite")
	s, err := Open(path, opts...)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, path
}

func begin(t testing.TB, s *Store, input string) *Run {
	t.Helper()
	r, err := s.BeginRun(input)
	if err != nil {
		t.Fatalf("BeginRun(%s): %v", input, err)
	}
	return r
}

func record(t testing.TB, r *Run, tr Transition) {
	t.Helper()
	if err := r.Record(context.Background(), tr); err != nil {
		t.Fatalf("Record(%s %s): %v", tr.PO, tr.State, err)
	}
}

// sameTransition compares two transitions, times by instant.
func sameTransition(t *testing.T, got, want Transition) {
	t.Helper()
	if !got.At.Equal(want.At) {
		t.Errorf("PO %s %s: At = %v, want %v", want.PO, want.State, got.At, want.At)
	}
	got.At, want.At = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("transition\n got  %+v\n want %+v", got, want)
	}
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "coupatui")
	path := filepath.Join(dir, "journal.sqlite")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r := begin(t, s, "/in/pos.xlsx")
	record(t, r, Transition{PO: "1", State: vocab.TaskQueued})
	check := func(p string, want os.FileMode) {
		t.Helper()
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", p, got, want)
		}
	}
	check(dir, 0o700)
	check(path, 0o600)
	check(path+"-wal", 0o600)
	check(path+"-shm", 0o600)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenOddPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a b?c#d%20e", "journal.sqlite")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := begin(t, s, "in.csv")
	record(t, r, Transition{PO: "1", State: vocab.TaskQueued})
	if err := r.Finish(false); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() == 0 {
		t.Fatalf("journal not written at %s: %v", path, err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "journal.sqlite" {
		t.Errorf("folder holds %v, want only journal.sqlite", entries)
	}
	parent, err := os.ReadDir(filepath.Dir(filepath.Dir(path)))
	if err != nil || len(parent) != 1 {
		t.Errorf("files written beside the journal's folder: %v %v", parent, err)
	}
}

// A file that is not a sound journal is moved aside, never overwritten,
// with its -wal, and a new journal starts in its place.
func TestDamagedJournalIsMovedAside(t *testing.T) {
	for _, tc := range []struct {
		name    string
		damage  func(t *testing.T, path string)
		surface string
	}{
		{"text file", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte(strings.Repeat("not a database\n", 100)), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "not a database"},
		{"torn pages", func(t *testing.T, path string) {
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			r := begin(t, s, "/in.xlsx")
			for i := range 2000 {
				record(t, r, Transition{PO: fmt.Sprint(300000 + i), State: vocab.TaskDone, Status: "COMPLETED", Error: strings.Repeat("x", 200)})
			}
			r.Finish(false)
			s.Close()
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			// Scribble over pages past the header: the b-trees break.
			garbage := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
			for off := int64(8192); off < 8192*12; off += 8192 {
				f.WriteAt(garbage, off)
			}
			f.Close()
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "journal.sqlite")
			tc.damage(t, path)
			before, _ := os.ReadFile(path)
			s, err := Open(path)
			if err != nil {
				t.Fatalf("Open of a damaged journal: %v", err)
			}
			defer s.Close()
			to, damage := s.MovedAside()
			if to == "" || !strings.Contains(damage, tc.surface) {
				t.Fatalf("MovedAside = %q, %q", to, damage)
			}
			if got, _ := os.ReadFile(to); string(got) != string(before) {
				t.Error("the damaged journal was not kept as it was")
			}
			r := begin(t, s, "/in.xlsx")
			record(t, r, Transition{PO: "1", State: vocab.TaskRunning})
			if latest, err := s.Latest("/in.xlsx"); err != nil || len(latest) != 1 {
				t.Errorf("new journal: %v %v", latest, err)
			}
			r.Finish(false)
		})
	}
}

func TestRoundTrip(t *testing.T) {
	s, _ := openTemp(t)
	input := filepath.Join(t.TempDir(), "pos.xlsx")
	r := begin(t, s, input)
	if r.Input != input {
		t.Errorf("Input = %q, want %q", r.Input, input)
	}
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)
	want := []Transition{
		{PO: "4500012345", Line: 1, State: vocab.TaskQueued, Worker: -1, At: at},
		{PO: "4500012345", Line: 1, State: vocab.TaskRunning, Attempt: 1, Worker: 2, URL: "https://x/order_headers/4500012345", At: at.Add(time.Second)},
		{PO: "4500012345", Line: 1, State: vocab.TaskDone, Status: "PARTIAL", Attempt: 1, Worker: 2, Supplier: "Acme Ltda",
			Found: 3, Downloaded: 2, Files: []string{"quote.pdf", "contrato (1).pdf"},
			Folder: "/dl/Acme Ltda/PO4500012345_PARTIAL", URL: "https://x/order_headers/4500012345",
			Error: "invoice.pdf: connection reset", At: at.Add(2 * time.Second)},
	}
	for _, tr := range want {
		record(t, r, tr)
	}
	if err := r.Finish(false); err != nil {
		t.Fatal(err)
	}

	got, err := s.Events(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("Events: %d transitions, want %d", len(got), len(want))
	}
	for i := range want {
		want[i].Run = r.ID
		sameTransition(t, got[i], want[i])
	}

	latest, err := s.Latest(input)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 1 {
		t.Fatalf("Latest: %d POs, want 1", len(latest))
	}
	sameTransition(t, latest["4500012345"], want[2])

	runs, err := s.Runs(input)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].ID != r.ID || runs[0].Interrupted || runs[0].Unfinished() || runs[0].Events != 3 || runs[0].Input != input {
		t.Fatalf("Runs = %+v", runs)
	}
	if !runs[0].Started.Equal(r.Started) || runs[0].Finished.Before(runs[0].Started) {
		t.Errorf("run times: started %v (want %v), finished %v", runs[0].Started, r.Started, runs[0].Finished)
	}
}

func TestRecordCopiesFilesAndStampsTime(t *testing.T) {
	s, _ := openTemp(t)
	r := begin(t, s, "/in.xlsx")
	files := []string{"a.pdf"}
	before := time.Now()
	record(t, r, Transition{PO: "1", State: vocab.TaskDone, Files: files})
	files[0] = "changed.pdf" // the caller reuses its slice
	if err := r.Finish(false); err != nil {
		t.Fatal(err)
	}
	got, err := s.Latest("/in.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	tr := got["1"]
	if !reflect.DeepEqual(tr.Files, []string{"a.pdf"}) {
		t.Errorf("Files = %q, want [a.pdf]", tr.Files)
	}
	if tr.At.Before(before) || tr.At.After(time.Now()) {
		t.Errorf("At = %v, want the time of Record", tr.At)
	}
}

// TestLatestAcrossRuns is the resume view: the latest state of each PO
// wins whichever run recorded it, and other inputs do not leak in.
func TestLatestAcrossRuns(t *testing.T) {
	s, _ := openTemp(t)
	input := "/data/pos.xlsx"

	r1 := begin(t, s, input)
	record(t, r1, Transition{PO: "100001", Line: 1, State: vocab.TaskQueued})
	record(t, r1, Transition{PO: "100002", Line: 2, State: vocab.TaskQueued})
	record(t, r1, Transition{PO: "100003", Line: 3, State: vocab.TaskQueued})
	record(t, r1, Transition{PO: "100001", Line: 1, State: vocab.TaskRunning, Attempt: 1})
	record(t, r1, Transition{PO: "100001", Line: 1, State: vocab.TaskDone, Status: "FAILED", Attempt: 1, Error: "HTTP 502"})
	record(t, r1, Transition{PO: "100002", Line: 2, State: vocab.TaskRunning, Attempt: 1})
	record(t, r1, Transition{PO: "100003", Line: 3, State: vocab.TaskDone, Status: "COMPLETED", Attempt: 1})
	if err := r1.Finish(true); err != nil { // the operator quit
		t.Fatal(err)
	}

	other := begin(t, s, "/data/other.xlsx")
	record(t, other, Transition{PO: "100001", State: vocab.TaskDone, Status: "NO_ATTACHMENTS"})
	record(t, other, Transition{PO: "999999", State: vocab.TaskQueued})
	if err := other.Finish(false); err != nil {
		t.Fatal(err)
	}

	r2 := begin(t, s, "/data/./sub/../pos.xlsx") // the same file, spelt otherwise
	record(t, r2, Transition{PO: "100001", Line: 1, State: vocab.TaskQueued})
	record(t, r2, Transition{PO: "100002", Line: 2, State: vocab.TaskQueued})
	record(t, r2, Transition{PO: "100001", Line: 1, State: vocab.TaskRunning, Attempt: 1})
	record(t, r2, Transition{PO: "100001", Line: 1, State: vocab.TaskDone, Status: "COMPLETED", Attempt: 1})
	record(t, r2, Transition{PO: "100002", Line: 2, State: vocab.TaskRunning, Attempt: 1})
	if err := r2.Finish(false); err != nil {
		t.Fatal(err)
	}

	latest, err := s.Latest(input)
	if err != nil {
		t.Fatal(err)
	}
	type view struct {
		state  vocab.TaskState
		status vocab.Status
		run    int64
	}
	got := map[string]view{}
	for po, tr := range latest {
		got[po] = view{tr.State, tr.Status, tr.Run}
	}
	want := map[string]view{
		"100001": {vocab.TaskDone, "COMPLETED", r2.ID},
		"100002": {vocab.TaskRunning, "", r2.ID},
		"100003": {vocab.TaskDone, "COMPLETED", r1.ID},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Latest(%s) = %+v\nwant %+v", input, got, want)
	}

	runs, err := s.Runs(input)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].ID != r1.ID || !runs[0].Interrupted || runs[0].Events != 7 ||
		runs[1].ID != r2.ID || runs[1].Interrupted || runs[1].Events != 5 {
		t.Fatalf("Runs(%s) = %+v", input, runs)
	}
	if want := map[vocab.Status]int{"FAILED": 1, "COMPLETED": 1}; !reflect.DeepEqual(runs[0].Statuses, want) {
		t.Errorf("first run's statuses %v, want %v", runs[0].Statuses, want)
	}
	if err := r2.Plan(3, 1, 0); err == nil {
		runs, _ = s.Runs(input)
		if r := runs[1]; r.POs != 3 || r.Kept != 1 || r.Pending() != 2 || r.PID != os.Getpid() {
			t.Errorf("second run after Plan: %+v (pending %d)", r, r.Pending())
		}
	} else {
		t.Error(err)
	}
	all, err := s.Runs("")
	if err != nil || len(all) != 3 {
		t.Errorf("Runs of every input: %d, %v", len(all), err)
	}
}

// TestConcurrentRecord records from several goroutines while others flush
// and read, with batches small enough to be committed many times over.
func TestConcurrentRecord(t *testing.T) {
	s, _ := openTemp(t, WithBatchSize(37))
	input := "/in/many.csv"
	r := begin(t, s, input)
	const goroutines, perGoroutine = 8, 150
	states := []vocab.TaskState{vocab.TaskQueued, vocab.TaskRunning, vocab.TaskDone}

	var wg sync.WaitGroup
	errs := make(chan error, goroutines+2)
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				po := fmt.Sprintf("%d%05d", g+1, i)
				for a, st := range states {
					if err := r.Record(context.Background(), Transition{PO: po, Line: i + 1, State: st, Attempt: a, Worker: g}); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Go(func() { // reads while writers run
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.Latest(input); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(stop)
	readers.Wait()
	if err := r.Finish(false); err != nil {
		t.Fatal(err)
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	events, err := s.Events(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := goroutines * perGoroutine * len(states); len(events) != want {
		t.Fatalf("%d events, want %d", len(events), want)
	}
	// Each goroutine's own transitions keep their order.
	next := map[string]int{}
	for _, e := range events {
		if e.State != states[next[e.PO]] {
			t.Fatalf("PO %s: %s after %d transitions", e.PO, e.State, next[e.PO])
		}
		next[e.PO]++
	}
	latest, err := s.Latest(input)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != goroutines*perGoroutine {
		t.Fatalf("Latest: %d POs, want %d", len(latest), goroutines*perGoroutine)
	}
	for po, tr := range latest {
		if tr.State != vocab.TaskDone {
			t.Fatalf("PO %s: latest state %s, want done", po, tr.State)
		}
	}
}

// TestReopenAfterClose checks Close marks an open run interrupted, and
// that a reopened journal has everything.
func TestReopenAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.sqlite")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r := begin(t, s, "/in/pos.xlsx")
	for i := range 1000 {
		record(t, r, Transition{PO: fmt.Sprint(200000 + i), State: vocab.TaskDone, Status: "COMPLETED"})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := r.Record(context.Background(), Transition{PO: "1", State: vocab.TaskQueued}); !errors.Is(err, ErrRunFinished) {
		t.Errorf("Record after Close = %v, want ErrRunFinished", err)
	}
	if err := r.Finish(false); err != nil {
		t.Errorf("Finish after Close = %v, want nil (already finished)", err)
	}
	if _, err := s.BeginRun("/in/pos.xlsx"); !errors.Is(err, ErrClosed) {
		t.Errorf("BeginRun after Close = %v, want ErrClosed", err)
	}

	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	latest, err := s2.Latest("/in/pos.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 1000 {
		t.Fatalf("reopened: %d POs, want 1000", len(latest))
	}
	runs, err := s2.Runs("/in/pos.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || !runs[0].Interrupted || runs[0].Unfinished() || runs[0].Events != 1000 {
		t.Fatalf("reopened runs = %+v", runs)
	}
	r2 := begin(t, s2, "/in/pos.xlsx")
	if r2.ID <= r.ID {
		t.Errorf("second run ID %d, want more than %d", r2.ID, r.ID)
	}
	if err := r2.Finish(false); err != nil {
		t.Fatal(err)
	}
}

// TestUnfinishedRunAfterCrash: a run whose process died keeps what was
// committed and shows as unfinished.
func TestUnfinishedRunAfterCrash(t *testing.T) {
	s, path := openTemp(t)
	r := begin(t, s, "/in.xlsx")
	record(t, r, Transition{PO: "1", State: vocab.TaskRunning})
	// Another process reads the journal while this one "died" mid-run.
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	runs, err := s2.Runs("/in.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || !runs[0].Unfinished() || runs[0].Events != 1 {
		t.Fatalf("runs = %+v", runs)
	}
}

// A Record that returned is committed: another connection reads it at
// once, as a process reading the journal after a kill would.
func TestRecordReturnsOnceCommitted(t *testing.T) {
	s, path := openTemp(t)
	r := begin(t, s, "/in.xlsx")
	defer r.Finish(false)
	other, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for i := range 20 {
		record(t, r, Transition{PO: fmt.Sprint(i), State: vocab.TaskRunning})
		if latest, err := other.Latest("/in.xlsx"); err != nil || len(latest) != i+1 {
			t.Fatalf("after %d Records another connection sees %d (%v)", i+1, len(latest), err)
		}
	}
	f := File{PO: "1", Index: 2, Label: "quote.pdf", URL: "https://x/attachments/9", Name: "quote.pdf", Size: 42, SHA256: "ab"}
	if err := r.RecordFile(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	f.Size, f.SHA256 = 43, "cd" // the same place again replaces it
	if err := r.RecordFile(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	files, err := other.Files("1")
	if err != nil || len(files) != 1 || files[0].Size != 43 || files[0].SHA256 != "cd" || files[0].Index != 2 {
		t.Fatalf("Files = %+v, %v", files, err)
	}
}

func TestRecordRejectsIncompleteTransitions(t *testing.T) {
	s, _ := openTemp(t)
	r := begin(t, s, "/in.xlsx")
	defer r.Finish(false)
	for _, tr := range []Transition{{State: vocab.TaskQueued}, {PO: "1"}} {
		if err := r.Record(context.Background(), tr); !errors.Is(err, ErrBadTransition) {
			t.Errorf("Record(%+v) = %v, want ErrBadTransition", tr, err)
		}
	}
}

func TestFinishTwiceAndRecordAfterFinish(t *testing.T) {
	s, _ := openTemp(t)
	r := begin(t, s, "/in.xlsx")
	if err := r.Finish(true); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(false); err != nil {
		t.Fatal(err)
	}
	if err := r.Record(context.Background(), Transition{PO: "1", State: vocab.TaskQueued}); !errors.Is(err, ErrRunFinished) {
		t.Errorf("Record after Finish = %v, want ErrRunFinished", err)
	}
	runs, err := s.Runs("/in.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || !runs[0].Interrupted {
		t.Fatalf("runs = %+v; the first Finish must win", runs)
	}
}

// A failed commit fails its own writes and nothing after it: once the
// database takes writes again, so does the run.
func TestFailedCommitDoesNotPoisonLaterWrites(t *testing.T) {
	s, _ := openTemp(t)
	r := begin(t, s, "/in.xlsx")
	record(t, r, Transition{PO: "1", State: vocab.TaskQueued})
	// Make writes fail: with one connection in the pool, the writer's
	// connection becomes read-only.
	s.db.SetMaxOpenConns(1)
	if _, err := s.db.Exec("PRAGMA query_only = 1"); err != nil {
		t.Fatal(err)
	}
	if err := r.Record(context.Background(), Transition{PO: "2", State: vocab.TaskQueued}); err == nil {
		t.Fatal("Record succeeded on a read-only journal")
	}
	if _, err := s.db.Exec("PRAGMA query_only = 0"); err != nil {
		t.Fatal(err)
	}
	record(t, r, Transition{PO: "2", State: vocab.TaskQueued})
	if err := r.Finish(false); err != nil {
		t.Errorf("Finish after the journal recovered: %v", err)
	}
	latest, err := s.Latest("/in.xlsx")
	if err != nil || len(latest) != 2 {
		t.Fatalf("Latest = %v, %v", latest, err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.sqlite")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", schemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open of a newer journal succeeded")
	}
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), path) {
		t.Fatalf("error = %v, want ErrNewerSchema naming %s", err, path)
	}
}
