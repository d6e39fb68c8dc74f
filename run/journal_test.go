package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"coupatui/config"
	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/sheet"
	"coupatui/store"
	"coupatui/vocab"
)

func testPoolConfig(workers int) pool.Config {
	c := pool.ConfigFrom(config.Default())
	c.WorkerCount, c.MinWorkers, c.MaxWorkers = workers, 1, max(workers, 4)
	c.TaskTimeout = 30 * time.Second
	c.RetryBackoff, c.RetryBackoffMax = 10*time.Millisecond, 50*time.Millisecond
	c.MaxRetries = 1
	c.WorkerStartupTimeout = 5 * time.Second
	return c
}

// writeInput writes a CSV input with these PO cells and reads it back.
func writeInput(t *testing.T, dir string, pos ...string) *sheet.Input {
	t.Helper()
	path := filepath.Join(dir, "pos.csv")
	if err := os.WriteFile(path, []byte("PO_NUMBER\n"+strings.Join(pos, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := sheet.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func openStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "journal.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestTransitionOfEachTaskEvent(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	done := pool.TaskInfo{PO: "4500000001", State: vocab.TaskDone, Attempts: 2, Worker: -1, Meta: pool.Meta{Row: 7},
		Result: coupa.Result{Status: vocab.Partial, Supplier: "Acme", Found: 3, Downloaded: 2, Files: []string{"a.pdf", "b.pdf"},
			Folder: "/dl/Acme/PO4500000001_PARTIAL", URL: "https://x/order_headers/4500000001", Err: errors.New("c.pdf: cut"), Finished: at}}
	running := pool.TaskInfo{PO: "4500000001", State: vocab.TaskRunning, Attempts: 1, Worker: 3, Meta: pool.Meta{Row: 7}}
	for _, tc := range []struct {
		kind  pool.EventKind
		task  pool.TaskInfo
		state vocab.TaskState
	}{
		{pool.EvTaskStarted, running, vocab.TaskRunning},
		{pool.EvTaskFinished, done, vocab.TaskDone},
		{pool.EvTaskCancelled, pool.TaskInfo{PO: "4500000001", State: vocab.TaskDone, Result: coupa.Result{Status: vocab.Cancelled}}, vocab.TaskCancelled},
		{pool.EvTaskRetried, pool.TaskInfo{PO: "4500000001", State: vocab.TaskRetrying, Errors: []string{"attempt 1: HTTP 503"}}, vocab.TaskRetrying},
		{pool.EvTaskRetried, pool.TaskInfo{PO: "4500000001", State: vocab.TaskQueued}, vocab.TaskQueued},
	} {
		tr, ok := transition(pool.Event{Kind: tc.kind, Task: &tc.task, Time: at})
		if !ok || tr.State != vocab.TaskState(tc.state) || tr.PO != "4500000001" || !tr.At.Equal(at) {
			t.Errorf("%s: %+v %v, want state %s", tc.kind, tr, ok, tc.state)
		}
		if tc.kind == pool.EvTaskFinished {
			want := store.Transition{PO: "4500000001", Line: 7, State: vocab.TaskDone, Status: "PARTIAL", Attempt: 2, Worker: -1,
				Supplier: "Acme", Found: 3, Downloaded: 2, Files: []string{"a.pdf", "b.pdf"}, Folder: "/dl/Acme/PO4500000001_PARTIAL",
				URL: "https://x/order_headers/4500000001", Error: "c.pdf: cut", At: at}
			if !reflect.DeepEqual(tr, want) {
				t.Errorf("finished:\n got  %+v\n want %+v", tr, want)
			}
		}
	}
	for _, kind := range []pool.EventKind{pool.EvTaskProgress, pool.EvWorkerBusy, pool.EvPoolDraining} {
		if _, ok := transition(pool.Event{Kind: kind, Task: &running}); ok && kind != pool.EvTaskProgress {
			t.Errorf("%s became a journal row", kind)
		}
	}
	saved := running
	saved.Progress = coupa.Progress{Saved: &coupa.File{Index: 1, Label: "b", URL: "https://x/a/2", Name: "b.pdf", Size: 9, SHA256: "ff"}}
	f, ok := fileRow(pool.Event{Kind: pool.EvTaskProgress, Task: &saved, Time: at})
	if want := (store.File{PO: "4500000001", Index: 1, Label: "b", URL: "https://x/a/2", Name: "b.pdf", Size: 9, SHA256: "ff", At: at}); !ok || f != want {
		t.Errorf("file row %+v %v, want %+v", f, ok, want)
	}
	if _, ok := fileRow(pool.Event{Kind: pool.EvTaskProgress, Task: &running}); ok {
		t.Error("progress without a saved file became a file row")
	}
}

// A real pool on a fake engine writes every attempt, file and outcome to a
// real journal, and the results workbook's rows come from it.
func TestPoolEventsToJournalToResults(t *testing.T) {
	dir := t.TempDir()
	in := writeInput(t, dir, "4500000001", "4500000002", "4500000003", "4500000004", "bad")
	st := openStore(t, dir)
	r, err := st.BeginRun(in.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Finish(false)
	var jobs []coupa.Job // every attempt's job, in order
	var jobsMu sync.Mutex
	e := fakeEngine(func(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
		jobsMu.Lock()
		jobs = append(jobs, job)
		jobsMu.Unlock()
		res := coupa.Result{PO: job.PO, URL: "https://x/order_headers/" + job.PO}
		switch job.PO {
		case "4500000001":
			for i, name := range []string{"a.pdf", "b.pdf"} {
				progress(coupa.Progress{Phase: "downloading", Found: 2, Done: i + 1, File: name,
					Saved: &coupa.File{Index: i, Label: name, URL: "https://x/att/" + name, Name: name, Size: 10, SHA256: "h" + name}})
			}
			res.Status, res.Found, res.Downloaded, res.Files = vocab.Completed, 2, 2, []string{"a.pdf", "b.pdf"}
		case "4500000002":
			res.Status, res.Err = vocab.Failed, errors.New("HTTP 404 on the PO page")
		case "4500000003":
			res.Status, res.Found, res.Downloaded, res.Err, res.Retryable = vocab.Partial, 2, 1, errors.New("b.pdf: cut short"), true
		default:
			res.Status = vocab.NoAttachments
		}
		return res
	})
	rec := &recorder{run: r}
	p, err := pool.New(testPoolConfig(2), pool.Deps{Engine: e, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.SubmitMany(items(in.POs())); err != nil {
		t.Fatal(err)
	}
	p.Submit("4500000099", vocab.Urgent, pool.Meta{}) // added in the console
	if err := p.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := p.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rec.outcomes.Load(); n != 5 {
		t.Errorf("recorder counted %d outcomes, want 5", n)
	}

	latest, err := st.Latest(in.Path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"4500000001": "COMPLETED", "4500000002": "FAILED", "4500000003": "PARTIAL",
		"4500000004": "NO_ATTACHMENTS", "4500000099": "NO_ATTACHMENTS"}
	for po, status := range want {
		if tr := latest[po]; tr.State != vocab.TaskDone || tr.Status != vocab.Status(status) {
			t.Errorf("journal PO%s: %s %s, want done %s", po, tr.State, tr.Status, status)
		}
	}
	// Every attempt was recorded before its outcome: the PARTIAL one was
	// retried once (max_retries 1), so it has two running rows.
	events, err := st.Events(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var partial []string
	for _, ev := range events {
		if ev.PO == "4500000003" {
			partial = append(partial, string(ev.State))
		}
	}
	if got := strings.Join(partial, ","); got != "running,running,done" {
		t.Errorf("journal rows of the PARTIAL PO: %s", got)
	}
	files, err := st.Files("4500000001")
	if err != nil || len(files) != 2 || files[1].Name != "b.pdf" || files[1].SHA256 != "hb.pdf" {
		t.Errorf("files of PO4500000001: %+v %v", files, err)
	}
	// A retry gets the files recorded for its PO.
	he := haveEngine{Engine: e, files: journalFiles(st)}
	b, _ := he.Launch(t.Context(), 9)
	b.Process(t.Context(), coupa.Job{PO: "4500000001"}, func(coupa.Progress) {})
	jobsMu.Lock()
	defer jobsMu.Unlock()
	if have := jobs[len(jobs)-1].Have; len(have) != 2 || have[0].Name != "a.pdf" || have[1].Index != 1 {
		t.Errorf("the job got files %+v", have)
	}

	out := results(in, latest, nil, func(po string) string { return "https://x/order_headers/" + po })
	for _, row := range in.Rows {
		o := out[row.Line]
		switch {
		case row.Invalid:
		case row.PO == "4500000099":
			if o.Status != "NO_ATTACHMENTS" {
				t.Errorf("the PO added at run time: %+v", o)
			}
		case o.Status != vocab.Status(want[row.PO]):
			t.Errorf("results row %d (PO%s): %s, want %s", row.Line, row.PO, o.Status, want[row.PO])
		}
	}
	if n := len(in.Rows); n != 6 {
		t.Errorf("%d input rows after results, want the 5 read and 1 added", n)
	}
	results(in, latest, nil, nil) // a second call adds no second row
	if n := len(in.Rows); n != 6 {
		t.Errorf("%d input rows after two results, want 6", n)
	}
}

func TestResumeRules(t *testing.T) {
	dir := t.TempDir()
	statuses := []vocab.Status{vocab.Completed, vocab.NoAttachments, vocab.NotFound, vocab.PRNotAccessible,
		vocab.Failed, vocab.Partial, vocab.Timeout, vocab.Cancelled, vocab.Status("UNRECOGNISED"), vocab.Pending}
	var pos []string
	latest := map[string]store.Transition{}
	for i, st := range statuses {
		po := fmt.Sprint(4500000100 + i)
		pos = append(pos, po)
		state := vocab.TaskDone
		switch st {
		case vocab.Cancelled:
			state = vocab.TaskCancelled
		case vocab.Pending:
			state = vocab.TaskRunning // an attempt a kill interrupted
		}
		latest[po] = store.Transition{PO: po, Line: i + 1, State: state, Status: vocab.Status(string(st))}
	}
	pos = append(pos, "4500000199") // never fetched
	latest["4500000777"] = store.Transition{PO: "4500000777", Line: 3, State: vocab.TaskDone, Status: "COMPLETED"}
	latest["4500000778"] = store.Transition{PO: "4500000778", Line: 0, State: vocab.TaskDone, Status: "COMPLETED"} // added in a console
	latest["4500000779"] = store.Transition{PO: "4500000779", Line: 4, State: vocab.TaskRemoved, Status: "COMPLETED"}
	in := writeInput(t, dir, pos...)

	fetched := func(p plan) []string {
		var out []string
		for _, r := range p.fetch {
			out = append(out, r.PO)
		}
		return out
	}
	p := makePlan(in, latest, false, nil)
	want := []string{"4500000104", "4500000105", "4500000106", "4500000107", "4500000108", "4500000109", "4500000199"}
	if got := fetched(p); !slices.Equal(got, want) || p.kept != 4 {
		t.Errorf("re-run fetches %v (kept %d), want %v (kept 4)", got, p.kept, want)
	}
	if len(p.removed) != 1 || p.removed[0].PO != "4500000777" {
		t.Errorf("removed %+v, want only PO4500000777 (added POs and rows already named are not)", p.removed)
	}
	p = makePlan(in, latest, false, []vocab.Status{vocab.NoAttachments, vocab.NotFound})
	if got := fetched(p); !slices.Contains(got, "4500000101") || !slices.Contains(got, "4500000102") || slices.Contains(got, "4500000100") || p.kept != 2 {
		t.Errorf("--redo NO_ATTACHMENTS,PO_NOT_FOUND fetches %v (kept %d)", got, p.kept)
	}
	if p = makePlan(in, latest, true, nil); len(p.fetch) != len(pos) || p.kept != 0 {
		t.Errorf("--fresh fetches %d of %d (kept %d)", len(p.fetch), len(pos), p.kept)
	}
	if n := keptCount(in, latest); n != 4 {
		t.Errorf("keptCount %d, want 4", n)
	}
}

func TestParseRedo(t *testing.T) {
	got, err := ParseRedo(" no_attachments, PO_NOT_FOUND ,")
	if err != nil || !slices.Equal(got, []vocab.Status{vocab.NoAttachments, vocab.NotFound}) {
		t.Errorf("ParseRedo = %v, %v", got, err)
	}
	for _, bad := range []string{"DONE", "", " , "} {
		if _, err := ParseRedo(bad); err == nil {
			t.Errorf("ParseRedo(%q) accepted", bad)
		}
	}
	if _, err := ParseRedo("COMPLETE"); err == nil || !strings.Contains(err.Error(), "COMPLETE") || !strings.Contains(err.Error(), "COMPLETED") {
		t.Errorf("ParseRedo(COMPLETE) = %v: want the word and the words there are", err)
	}
}

// BenchmarkReport5000 is `coupatui report`'s work for 5,000 rows: read the
// journal's latest rows, build every row's outcome and write the results
// workbook atomically.
func BenchmarkReport5000(b *testing.B) {
	dir := b.TempDir()
	var cells []string
	for i := range 5000 {
		cells = append(cells, fmt.Sprint(4500800000+i))
	}
	path := filepath.Join(dir, "pos.csv")
	os.WriteFile(path, []byte("PO_NUMBER\n"+strings.Join(cells, "\n")+"\n"), 0o600)
	in, err := sheet.Read(path)
	if err != nil {
		b.Fatal(err)
	}
	st := openStore(b, dir)
	r, _ := st.BeginRun(path)
	for i, po := range cells {
		if err := r.Record(context.Background(), store.Transition{PO: po, Line: i + 1, State: vocab.TaskDone, Status: "COMPLETED",
			Supplier: "Acme Ltda", Found: 2, Downloaded: 2, Files: []string{"quote.pdf", "invoice.pdf"},
			Folder: "/dl/Acme Ltda/PO" + po + "_COMPLETED", URL: "https://acme.coupahost.com/order_headers/" + po}); err != nil {
			b.Fatal(err)
		}
	}
	r.Finish(false)
	report := filepath.Join(dir, "pos_results.xlsx")
	for b.Loop() {
		if _, err := writeResults(st, in, report, false, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// A bulk cancel of queued POs reaches the journal as one RecordMany: every
// outcome in one transaction, all counted for the workbook.
func TestBulkCancelIsOneJournalWrite(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	r, err := st.BeginRun(filepath.Join(dir, "pos.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Finish(false)
	writes := 0
	var mu sync.Mutex
	rec := &recorder{run: r, timed: func(time.Duration) { mu.Lock(); writes++; mu.Unlock() }}
	p, err := pool.New(testPoolConfig(1), pool.Deps{Engine: fakeEngine(nil), Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var pos []string
	for i := range 500 {
		pos = append(pos, fmt.Sprintf("45%08d", i))
		if _, err := p.Submit(pos[i], vocab.Normal, pool.Meta{Row: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	// Not started: every task waits in the queue.
	if b, err := p.CancelMany(pos); err != nil || b.Changed != 500 {
		t.Fatalf("CancelMany: %+v %v", b, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := p.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if writes != 1 {
		t.Fatalf("%d journal writes for one bulk cancel, want 1", writes)
	}
	if n := rec.outcomes.Load(); n != 500 {
		t.Fatalf("%d outcomes counted", n)
	}
	latest, err := st.Latest(r.Input)
	if err != nil || len(latest) != 500 || latest[pos[499]].Status != "CANCELLED" {
		t.Fatalf("journal: %d rows, %+v, %v", len(latest), latest[pos[499]], err)
	}
}
