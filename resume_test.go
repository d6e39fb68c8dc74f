package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"coupatui/coupa/sim"
	"coupatui/sheet"
	"coupatui/store"
	"coupatui/vocab"
)

// statuses reads the results workbook: PO → STATUS.
func statuses(t *testing.T, report string) map[string]string {
	t.Helper()
	res, err := sheet.ReadResults(report)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range res.Rows {
		if po, ok := vocab.NormalizePO(r.PO); ok && out[po] == "" {
			out[po] = string(r.Outcome.Status)
		}
	}
	return out
}

// A FAILED PO is fetched again by a re-run, a COMPLETED one is not; --redo
// fetches again the kept statuses it names, and only those.
func TestRerunRetriesFailuresAndRedo(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	pos := []sim.PO{
		{ID: "4500610001", Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{{Name: "a.pdf", Size: 2000}}},
		// Its file answers 503 more times than one attempt retries (a 503
		// page with Retry-After would be loaded again within the attempt).
		{ID: "4500610002", Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{{Name: "b.pdf", Size: 2000, Fail5xxTimes: 3}}},
		{ID: "4500610003", Supplier: "Acme", Want: vocab.NoAttachments},
	}
	srv := sim.Start(t, sim.Options{POs: pos})
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte("PO_NUMBER\n4500610001\n4500610002\n4500610003\n"), 0o600)
	cfg := writeConfig(t, dir, "[pool]", "max_retries = 0") // the 503s leave the PO FAILED
	report := filepath.Join(dir, "pos_results.xlsx")
	args := []string{"--no-tui", "--workers", "1", "--config", cfg, "--base-url", srv.URL(), input}

	a := runApp(t, dir, 3*time.Minute, args...)
	if a.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", a.code, a.stderr.String())
	}
	if got := statuses(t, report); got["4500610002"] != "FAILED" || got["4500610001"] != "COMPLETED" || got["4500610003"] != "NO_ATTACHMENTS" {
		t.Fatalf("after the first run: %v", got)
	}

	a = runApp(t, dir, 3*time.Minute, args...)
	if a.code != exitOK || !strings.Contains(a.stderr.String(), "[1/1] PO4500610002 COMPLETED") {
		t.Fatalf("re-run: exit %d, want only the FAILED PO fetched:\n%s", a.code, a.stderr.String())
	}
	// The kept POs were served once, the FAILED one once per run.
	pages := srv.Stats().Pages
	if pages["4500610001"] != 1 || pages["4500610003"] != 1 || pages["4500610002"] != 2 {
		t.Errorf("pages after the re-run: %v; want the kept POs served once, the FAILED one twice", pages)
	}

	a = runApp(t, dir, 3*time.Minute, append([]string{"--redo", "no_attachments"}, args...)...)
	if a.code != exitOK || !strings.Contains(a.stderr.String(), "[1/1] PO4500610003 NO_ATTACHMENTS") {
		t.Fatalf("--redo NO_ATTACHMENTS: exit %d:\n%s", a.code, a.stderr.String())
	}
	if pages := srv.Stats().Pages; pages["4500610001"] != 1 || pages["4500610002"] != 2 || pages["4500610003"] != 2 {
		t.Errorf("pages after --redo: %v", pages)
	}
	if got := statuses(t, report); got["4500610001"] != "COMPLETED" || got["4500610002"] != "COMPLETED" || got["4500610003"] != "NO_ATTACHMENTS" {
		t.Errorf("results after three runs: %v", got)
	}

	a = runApp(t, dir, time.Minute, "history", input)
	out := a.stdout.String()
	if a.code != exitOK || strings.Count(out, "run ") != 3 || !strings.Contains(out, "FAILED 1") || !strings.Contains(out, "2 kept from earlier runs") {
		t.Errorf("history: exit %d\n%s%s", a.code, out, a.stderr.String())
	}

	a = runApp(t, dir, time.Minute, "--redo", "DONE", input)
	if a.code != exitFatal || !strings.Contains(a.stderr.String(), `"DONE" is not a status word`) {
		t.Errorf("--redo DONE: exit %d, %q", a.code, a.stderr.String())
	}
}

// A PARTIAL PO fetched again downloads only its missing file: within the
// run (a retry) and on a re-run alike. The simulator counts every request.
func TestPartialFetchesOnlyMissingFiles(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	files := func(id string, failing int) []sim.Attachment {
		return []sim.Attachment{
			{ID: id + "-a", Name: "a.pdf", Size: 30_000},
			{ID: id + "-b", Name: "b.pdf", Size: 30_000, Shape: sim.ShapeButton},
			{ID: id + "-c", Name: "c.pdf", Size: 30_000, Fail5xxTimes: failing},
		}
	}
	// One attempt asks for a file three times (two download retries), so
	// 4 failures heal on the run's second attempt and 6 only on a re-run.
	pos := []sim.PO{
		{ID: "4500620001", Supplier: "Acme", Want: vocab.Completed, Attachments: files("r1", 4)},
		{ID: "4500620002", Supplier: "Acme", Want: vocab.Completed, Attachments: files("r2", 6)},
	}
	srv := sim.Start(t, sim.Options{POs: pos})
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte("PO_NUMBER\n4500620001\n4500620002\n"), 0o600)
	cfg := writeConfig(t, dir, "[pool]", "max_retries = 1", `retry_backoff = "100ms"`)
	args := []string{"--no-tui", "--workers", "1", "--config", cfg, "--base-url", srv.URL(), input}
	report := filepath.Join(dir, "pos_results.xlsx")

	a := runApp(t, dir, 3*time.Minute, args...)
	if a.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", a.code, a.stderr.String())
	}
	if got := statuses(t, report); got["4500620001"] != "COMPLETED" || got["4500620002"] != "PARTIAL" {
		t.Fatalf("after the first run: %v (want the retry to complete one, the other PARTIAL)\n%s", got, a.stderr.String())
	}
	a = runApp(t, dir, 3*time.Minute, args...)
	if a.code != exitOK {
		t.Fatalf("re-run: exit %d\n%s", a.code, a.stderr.String())
	}
	if got := statuses(t, report); got["4500620002"] != "COMPLETED" {
		t.Fatalf("after the re-run: %v", got)
	}
	st := srv.Stats()
	for _, id := range []string{"r1-a", "r1-b", "r2-a", "r2-b"} {
		if st.DownloadStarts[id] != 1 || st.Downloads[id] != 1 {
			t.Errorf("%s, complete after the first attempt: requested %d times, downloaded %d; want once",
				id, st.DownloadStarts[id], st.Downloads[id])
		}
	}
	for _, id := range []string{"r1-c", "r2-c"} {
		if st.Downloads[id] != 1 {
			t.Errorf("%s downloaded %d times, want once", id, st.Downloads[id])
		}
	}
	for _, po := range pos {
		for _, f := range srv.Expected(po.ID) {
			path := filepath.Join(dir, "downloads", "Acme", "PO"+po.ID+"_COMPLETED", f.Name)
			if got := hashFile(t, path); got != f.SHA256 {
				t.Errorf("%s: hash %s, want %s", path, got, f.SHA256)
			}
		}
	}
}

// A second coupatui on the same input, or on the same download folder,
// stops at once naming the first; the first goes on.
func TestSecondProcessIsRefused(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	pos := numberedPOs(4500630000, 6, noFiles)
	srv, input := servePOList(t, dir, sim.Options{POs: pos, Latency: 700 * time.Millisecond})
	other := writePOList(t, dir, "other.csv", pos)

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	first, sc := startApp(t, ctx, dir, "--no-tui", "--workers", "1", "--base-url", srv.URL(), input)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "[1/6]") {
	}
	pid := fmt.Sprintf("pid %d, started ", first.Process.Pid)

	a := runApp(t, dir, time.Minute, "--no-tui", "--base-url", srv.URL(), input)
	msg := a.stderr.String()
	if a.code != exitFatal || !strings.Contains(msg, pid) || !strings.Contains(msg, "already working on "+input) ||
		strings.Count(strings.TrimSpace(msg), "\n") != 0 {
		t.Errorf("same input: exit %d, %q: want exit 1 and one line naming %q", a.code, msg, pid)
	}
	a = runApp(t, dir, time.Minute, "--no-tui", "--out", filepath.Join(dir, "downloads"), "--base-url", srv.URL(), other)
	msg = a.stderr.String()
	if a.code != exitFatal || !strings.Contains(msg, pid) || !strings.Contains(msg, "already downloading into") {
		t.Errorf("same download folder: exit %d, %q", a.code, msg)
	}
	a = runApp(t, dir, time.Minute, "report", input)
	if a.code != exitFatal || !strings.Contains(a.stderr.String(), pid) {
		t.Errorf("report during the run: exit %d, %q", a.code, a.stderr.String())
	}
	for sc.Scan() {
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("the first run: %v", err)
	}
	if got := statuses(t, filepath.Join(dir, "pos_results.xlsx")); len(got) != 6 {
		t.Errorf("the first run's results: %v", got)
	}
	if n := srv.Stats().Pages[pos[0].ID]; n != 1 {
		t.Errorf("PO%s fetched %d times: the refused processes fetched too", pos[0].ID, n)
	}
}

// report rewrites the results from the journal alone: no browser on PATH,
// no site, 5,000 rows in well under a second. A damaged journal is moved
// aside with one message, and report still writes every row PENDING.
func TestReportWithoutBrowser(t *testing.T) {
	dir := t.TempDir()
	const n = 5000
	var b strings.Builder
	b.WriteString("PO_NUMBER;Note\n")
	for i := range n {
		fmt.Fprintf(&b, "%d;row %d\n", 4500640000+i, i+1)
	}
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte(b.String()), 0o600)
	journal := filepath.Join(dir, "state", "coupatui", "journal.sqlite")
	st, err := store.Open(journal)
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.BeginRun(input)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 8 { // as the workers of a run would, sharing commits
		wg.Go(func() {
			for i := w; i < n-1; i += 8 { // the last row stays PENDING
				po := fmt.Sprint(4500640000 + i)
				status := "COMPLETED"
				if i%10 == 0 {
					status = "FAILED"
				}
				if err := r.Record(t.Context(), store.Transition{PO: po, Line: i + 1, State: vocab.TaskDone, Status: vocab.Status(status),
					Supplier: "Acme", Found: 1, Downloaded: 1, Files: []string{"q.pdf"}, Folder: "/dl/Acme/PO" + po + "_" + status}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	r.Finish(false)
	st.Close()

	noBrowser := t.TempDir() // PATH holds no browser
	vars, _ := env(t, dir)
	runReport := func(args ...string) (string, int, time.Duration) {
		cmd := exec.Command(os.Args[0], append([]string{"report"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(vars, "PATH="+noBrowser)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		took := time.Since(start)
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return string(out), exit.ExitCode(), took
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(out), 0, took
	}
	out, code, took := runReport("--csv", input)
	if code != exitOK || !strings.Contains(out, "COMPLETED 4499, FAILED 500, PENDING 1") {
		t.Fatalf("report: exit %d\n%s", code, out)
	}
	t.Logf("report of %d rows took %s (the whole command: start, read, write xlsx and csv)", n, took.Round(time.Millisecond))
	got := statuses(t, filepath.Join(dir, "pos_results.xlsx"))
	if len(got) != n || got["4500640001"] != "COMPLETED" || got["4500640000"] != "FAILED" || got[fmt.Sprint(4500640000+n-1)] != "PENDING" {
		t.Errorf("results: %d rows", len(got))
	}
	if csv, err := os.ReadFile(filepath.Join(dir, "pos_results.csv")); err != nil || strings.Count(string(csv), "\n") != n+1 {
		t.Errorf("CSV: %d lines, %v", strings.Count(string(csv), "\n"), err)
	}

	// A damaged journal: moved aside, one message, every row PENDING.
	if err := os.WriteFile(journal, []byte(strings.Repeat("garbage", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(journal + "-wal")
	out, code, _ = runReport(input)
	if code != exitOK || strings.Count(out, "was damaged") != 1 || !strings.Contains(out, "PENDING 5000") {
		t.Fatalf("report on a damaged journal: exit %d\n%s", code, out)
	}
	aside, _ := filepath.Glob(journal + ".damaged-*")
	if len(aside) != 1 {
		t.Fatalf("moved aside: %v", aside)
	}
	if b, _ := os.ReadFile(aside[0]); string(b) != strings.Repeat("garbage", 1000) {
		t.Error("the damaged journal was not kept as it was")
	}
}

// Rows of earlier runs no longer in the input are named once, on stderr
// and in the log, and counted by history; a later run does not name them
// again.
func TestRemovedRowsNamedOnce(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	pos := numberedPOs(4500660000, 3, noFiles)
	srv, input := servePOList(t, dir, sim.Options{POs: pos})
	args := []string{"--no-tui", "--workers", "1", "--base-url", srv.URL(), input}
	if a := runApp(t, dir, 3*time.Minute, args...); a.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", a.code, a.stderr.String())
	}
	writePOList(t, dir, "pos.csv", pos[:1]) // the last two rows removed
	logFile := filepath.Join(dir, "state", "coupatui", "coupatui.log")
	named := func(text string) int {
		return strings.Count(text, "2 POs of earlier runs of ") + strings.Count(text, "PO"+pos[2].ID+" (their outcomes")
	}
	a := runApp(t, dir, 3*time.Minute, args...)
	if a.code != exitOK || named(a.stderr.String()) != 2 || !strings.Contains(a.stderr.String(), "PO"+pos[1].ID) {
		t.Fatalf("second run: exit %d, want the two removed POs named once on stderr:\n%s", a.code, a.stderr.String())
	}
	if b, _ := os.ReadFile(logFile); named(string(b)) != 2 {
		t.Errorf("the log names the removed rows %d times, want once:\n%s", named(string(b))/2, b)
	}
	a = runApp(t, dir, 3*time.Minute, args...)
	if a.code != exitOK || strings.Contains(a.stderr.String(), "no longer in it") {
		t.Errorf("third run: exit %d, named the removed rows again:\n%s", a.code, a.stderr.String())
	}
	if b, _ := os.ReadFile(logFile); named(string(b)) != 2 {
		t.Errorf("after the third run the log names the removed rows %d times, want once", named(string(b))/2)
	}
	a = runApp(t, dir, time.Minute, "history", input)
	if out := a.stdout.String(); a.code != exitOK || strings.Count(out, ", 2 removed from the input") != 1 {
		t.Errorf("history: exit %d, want the second run to count 2 removed rows:\n%s%s", a.code, out, a.stderr.String())
	}
}

// A damaged journal met by a run in plain mode is moved aside with one
// message on stderr (not the log's line besides), and the run goes on.
func TestDamagedJournalOneMessageInARun(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	pos := numberedPOs(4500670000, 1, noFiles)
	srv, input := servePOList(t, dir, sim.Options{POs: pos})
	journal := filepath.Join(dir, "state", "coupatui", "journal.sqlite")
	os.MkdirAll(filepath.Dir(journal), 0o700)
	if err := os.WriteFile(journal, []byte(strings.Repeat("garbage", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	a := runApp(t, dir, 3*time.Minute, "--no-tui", "--workers", "1", "--base-url", srv.URL(), input)
	if a.code != exitOK {
		t.Fatalf("exit %d\n%s", a.code, a.stderr.String())
	}
	n := 0
	for line := range strings.Lines(a.stderr.String()) {
		if strings.Contains(line, "damaged") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d lines on stderr say the journal was damaged, want 1:\n%s", n, a.stderr.String())
	}
	if aside, _ := filepath.Glob(journal + ".damaged-*"); len(aside) != 1 {
		t.Errorf("moved aside: %v", aside)
	}
}
