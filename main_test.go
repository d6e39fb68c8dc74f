package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/run"
	"coupatui/sheet"
	"coupatui/vocab"
)

// The tests run this test binary as coupatui: with COUPATUI_RUN_MAIN set,
// TestMain hands over to main.
func TestMain(m *testing.M) {
	testkit.AsChild("COUPATUI_RUN_MAIN", func(string) int { main(); return 0 })
	os.Exit(m.Run())
}

// app is one run of the coupatui binary in a private home.
type app struct {
	dir    string // working directory and home
	tmp    string // its TMPDIR, where profiles of unsigned workers go
	stdout bytes.Buffer
	stderr bytes.Buffer
	code   int
}

// env isolates a run: its own home, config, data, state and temp folders.
// The temp folder has a short name: Chromium puts a socket in it, and
// socket paths are limited to about 100 bytes.
func env(t *testing.T, dir string) (vars []string, tmp string) {
	t.Helper()
	tmp, err := os.MkdirTemp("", "cti")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		noBrowserLeft(t, tmp)
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("left in TMPDIR: %s", left[0].Name())
		}
		os.RemoveAll(tmp)
	})
	return append(os.Environ(),
		"COUPATUI_RUN_MAIN=1",
		"TMPDIR="+tmp,
		"HOME="+dir,
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"XDG_STATE_HOME="+filepath.Join(dir, "state"),
		"NO_COLOR=1",
	), tmp
}

func runApp(t *testing.T, dir string, within time.Duration, args ...string) *app {
	t.Helper()
	a := &app{dir: dir}
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env, a.tmp = env(t, dir)
	cmd.Stdout, cmd.Stderr = &a.stdout, &a.stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		a.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("coupatui %v: %v\nstderr:\n%s", args, err, a.stderr.String())
	}
	if ctx.Err() != nil {
		t.Fatalf("coupatui %v did not finish within %s\nstderr:\n%s", args, within, a.stderr.String())
	}
	return a
}

// needBrowser skips a test whose coupatui run starts browsers (see
// testkit.Chromium); the run finds the same browser the kit did.
func needBrowser(t *testing.T) {
	t.Helper()
	testkit.Chromium(t)
}

// writeConfig writes a config.toml into dir with the given lines added.
func writeConfig(t *testing.T, dir string, lines ...string) string {
	t.Helper()
	path := filepath.Join(dir, "test.toml")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// numberedPOs are n POs with the IDs first, first+1, ...: po(i) gives
// the rest of the i-th one.
func numberedPOs(first, n int, po func(i int) sim.PO) []sim.PO {
	pos := make([]sim.PO, n)
	for i := range pos {
		pos[i] = po(i)
		pos[i].ID = fmt.Sprint(first + i)
	}
	return pos
}

// writePOList writes dir/name, a CSV input of a PO_NUMBER header and the
// POs' IDs one a line, and returns its path.
// servePOList starts the simulator with opts and writes its POs as
// dir/pos.csv (writePOList); it returns the server and the list's path.
func servePOList(t *testing.T, dir string, opts sim.Options) (*sim.Server, string) {
	t.Helper()
	return sim.Start(t, opts), writePOList(t, dir, "pos.csv", opts.POs)
}

func writePOList(t *testing.T, dir, name string, pos []sim.PO) string {
	t.Helper()
	csv := "PO_NUMBER\n"
	for _, po := range pos {
		csv += po.ID + "\n"
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startApp starts coupatui with args in dir, its stderr read line by line
// by the scanner returned; the caller waits for it.
func startApp(t *testing.T, ctx context.Context, dir string, args ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env, _ = env(t, dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(stderr)
}

// oneFile is a COMPLETED PO of Acme with one small file.
// noFiles is a numberedPOs maker: a PO of Acme's with no attachment.
func noFiles(int) sim.PO { return sim.PO{Supplier: "Acme", Want: vocab.NoAttachments} }

func oneFile(int) sim.PO {
	return sim.PO{Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{{Name: "q.pdf", Size: 5000}}}
}

func hashFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// noBrowserLeft fails when a process still runs with a profile under dir.
func noBrowserLeft(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmd, []byte("--user-data-dir="+dir+"/")) {
			t.Errorf("browser process %s still runs: %s", e.Name(), bytes.ReplaceAll(cmd, []byte{0}, []byte{' '}))
		}
	}
}

func TestDemoEndsAsTheSimulatorMeant(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	a := runApp(t, dir, 5*time.Minute, "demo", "--no-tui", "--dir", "demo")
	n := len(sim.Demo(1).POs)
	if a.code != exitOK || !strings.Contains(a.stderr.String(), fmt.Sprintf("all %d POs ended as the simulator meant", n)) {
		t.Fatalf("demo exit %d\nstderr:\n%s", a.code, a.stderr.String())
	}
	lines := strings.Count(a.stderr.String(), fmt.Sprintf("/%d] PO", n))
	if lines != n {
		t.Errorf("%d progress lines, want one per PO (%d)", lines, n)
	}
	res, err := sheet.ReadResults(filepath.Join(dir, "demo", "pos_results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[string]int{}
	for _, r := range res.Rows {
		byStatus[string(r.Outcome.Status)]++
	}
	if byStatus["INVALID_PO"] != 1 || byStatus["UNRECOGNISED"] != 2 || len(res.Rows) != n+2 {
		t.Errorf("results: %d rows, statuses %v", len(res.Rows), byStatus)
	}
	// Every file is inside the download root, and no work folder is left.
	root := filepath.Join(dir, "demo", "downloads")
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		if d.IsDir() && strings.HasSuffix(d.Name(), "__WORK") {
			t.Errorf("work folder left: %s", path)
		}
		return nil
	})
}

func TestJSONEvents(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	srv := sim.Start(t, sim.Options{POs: []sim.PO{
		{ID: "4500200001", Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{{Name: "a.pdf", Size: 1000}}},
		{ID: "4500200002", NotFound: 404, Want: vocab.NotFound},
	}})
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte("PO_NUMBER\n4500200001\n4500200002\n"), 0o600)
	a := runApp(t, dir, 3*time.Minute, "--json", "--workers", "2", "--base-url", srv.URL(), input)
	if a.code != exitOK {
		t.Fatalf("exit %d\n%s", a.code, a.stderr.String())
	}
	finished := map[string]string{}
	sc := bufio.NewScanner(&a.stdout)
	n := 0
	for sc.Scan() {
		var ev run.JSONEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %d is not JSON: %q", n+1, sc.Text())
		}
		n++
		if ev.Event == "task.finished" {
			finished[ev.PO] = string(ev.Status)
		}
	}
	if finished["4500200001"] != "COMPLETED" || finished["4500200002"] != "PO_NOT_FOUND" || n < 6 {
		t.Fatalf("%d events; finished %v", n, finished)
	}
}

func TestBadInputOneClearErrorNothingLost(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	results := write("kept_results.xlsx", "an earlier results file")
	// A stand-in browser, so the test needs no Chromium (it runs under
	// -short and on machines without one); it leaves a mark if it is run,
	// and bad input must be refused before any browser starts.
	ran := filepath.Join(dir, "browser-ran")
	exe := write("chromium", "#!/bin/sh\ntouch '"+ran+"'\nexit 1\n")
	if err := os.Chmod(exe, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, dir, "[browser]", fmt.Sprintf("exec_path = %q", exe))
	cases := []struct {
		name, input, want string
	}{
		{"missing", filepath.Join(dir, "nope.xlsx"), "nope.xlsx"},
		{"corrupt", write("corrupt.xlsx", "PK\x03\x04 not really a zip"), "corrupt.xlsx"},
		{"no PO column", write("cols.csv", "Supplier,Amount\nAcme,12\n"), "PO"},
		{"empty", write("empty.csv", ""), "empty.csv"},
		{"wrong type", write("notes.txt", "4500000001"), "notes.txt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before string
			if _, err := os.Stat(c.input); err == nil {
				before = hashFile(t, c.input)
			}
			a := runApp(t, dir, time.Minute, "--no-tui", "--config", cfg, "--base-url", "https://acme.example", "--report", results, c.input)
			msg := a.stderr.String()
			if a.code != exitFatal || strings.Count(strings.TrimSpace(msg), "\n") > 1 || !strings.Contains(msg, c.want) {
				t.Fatalf("exit %d, stderr %q: want exit 1 and one clear message naming %q", a.code, msg, c.want)
			}
			if before != "" && hashFile(t, c.input) != before {
				t.Fatal("the input file changed")
			}
			if b, _ := os.ReadFile(results); string(b) != "an earlier results file" {
				t.Fatal("the earlier results file was touched")
			}
			if _, err := os.Stat(ran); err == nil {
				t.Fatal("a browser was started for bad input")
			}
		})
	}
}

func TestBadConfigAndMissingBrowser(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte("PO_NUMBER\n4500200001\n"), 0o600)

	cfg := writeConfig(t, dir, "[pool]", "workers = 3")
	a := runApp(t, dir, time.Minute, "--no-tui", "--config", cfg, input)
	if a.code != exitFatal || !strings.Contains(a.stderr.String(), "pool.workers") || !strings.Contains(a.stderr.String(), "test.toml") {
		t.Errorf("unknown key: exit %d, %q", a.code, a.stderr.String())
	}

	cfg = writeConfig(t, dir, "[browser]", `exec_path = "/nonexistent/chrome"`)
	a = runApp(t, dir, time.Minute, "--no-tui", "--config", cfg, "--base-url", "https://acme.example", input)
	msg := a.stderr.String()
	if a.code != exitFatal || !strings.Contains(msg, "apt-get install -y chromium") ||
		!strings.Contains(msg, "brew install") || !strings.Contains(msg, "winget install") {
		t.Errorf("missing browser: exit %d, %q", a.code, msg)
	}

	a = runApp(t, dir, time.Minute, "--no-tui", input)
	if a.code != exitFatal || !strings.Contains(a.stderr.String(), "--base-url") {
		t.Errorf("no site: exit %d, %q", a.code, a.stderr.String())
	}

	for _, report := range []string{input, filepath.Join(dir, "out.csv"), filepath.Join(dir, "nope", "r.xlsx")} {
		a = runApp(t, dir, time.Minute, "--no-tui", "--base-url", "https://acme.example", "--report", report, input)
		if a.code != exitFatal || !strings.Contains(a.stderr.String(), "results workbook") {
			t.Errorf("--report %s: exit %d, %q", report, a.code, a.stderr.String())
		}
	}
}

func TestUnsignedProfileExitsThreeAndFailsNoRow(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	pos := []sim.PO{{ID: "4500300001", Want: vocab.Completed, Attachments: []sim.Attachment{{Name: "a.pdf", Size: 100}}},
		{ID: "4500300002", Want: vocab.NoAttachments}, {ID: "4500300003", Want: vocab.NoAttachments}}
	srv := sim.Start(t, sim.Options{SignIn: true, SessionCookie: true, POs: pos})
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte("PO_NUMBER\n4500300001\n4500300002\n4500300003\n"), 0o600)
	start := time.Now()
	a := runApp(t, dir, 3*time.Minute, "--no-tui", "--workers", "2", "--base-url", srv.URL(), input)
	took := time.Since(start)
	if a.code != exitSignIn || !strings.Contains(a.stderr.String(), "coupatui login") {
		t.Fatalf("exit %d after %s\nstderr:\n%s", a.code, took, a.stderr.String())
	}
	t.Logf("exit 3 after %s", took.Round(time.Millisecond))
	res, err := sheet.ReadResults(filepath.Join(dir, "pos_results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rows {
		if r.Outcome.Status != "PENDING" {
			t.Errorf("PO%s marked %s because of the sign-in wall", r.PO, r.Outcome.Status)
		}
	}
	if s := srv.Stats(); s.Downloads == nil || len(s.Downloads) != 0 {
		t.Errorf("downloads without a session: %v", s.Downloads)
	}
	clones, _ := os.ReadDir(filepath.Join(dir, "data", "coupatui", "clones"))
	if len(clones) != 0 {
		t.Errorf("%d profile clones left", len(clones))
	}
}

// An operator signs in once with the full browser, as `coupatui login`
// does, and the session cookie has no expiry. Workers run in the headless
// shell where it is installed, which drops such cookies as it starts: the
// run and `coupatui inspect` still fetch the protected POs, signed in once.
func TestSignedInRunAndInspect(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	pos := numberedPOs(4500310001, 4, oneFile)
	srv := sim.Start(t, sim.Options{SignIn: true, SessionCookie: true, POs: pos})
	signInAsLogin(t, filepath.Join(dir, "data", "coupatui", config.ProfileDirName), srv.URL()+"/order_headers/"+pos[0].ID)

	input := writePOList(t, dir, "pos.csv", pos)
	a := runApp(t, dir, 3*time.Minute, "--no-tui", "--workers", "2", "--base-url", srv.URL(), input)
	if a.code != exitOK {
		t.Fatalf("run: exit %d\n%s", a.code, a.stderr.String())
	}
	res, err := sheet.ReadResults(filepath.Join(dir, "pos_results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rows {
		if r.Outcome.Status != vocab.Completed {
			t.Errorf("PO%s: %s", r.PO, r.Outcome.Status)
		}
	}
	a = runApp(t, dir, 2*time.Minute, "inspect", "--base-url", srv.URL(), pos[1].ID)
	if a.code != exitOK || !strings.Contains(a.stdout.String(), "outcome      COMPLETED") {
		t.Errorf("inspect: exit %d\n%s%s", a.code, a.stdout.String(), a.stderr.String())
	}
	if got := srv.Stats().SignIns; got != 1 {
		t.Errorf("%d sign-ins, want the operator's one", got)
	}
}

// signInAsLogin signs in to the simulator on the profile base with the
// browser `coupatui login` shows (headless here) and closes it cleanly.
func signInAsLogin(t *testing.T, base, poURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	b, err := browser.Launch(ctx, browser.Options{ExecPath: testkit.LoginChromium(t), Headless: true,
		ProfileDir: base, StartTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tab, err := b.NewTab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Navigate(ctx, poURL); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(poURL)
	if err != nil {
		t.Fatal(err)
	}
	testkit.SimSignInPage(t, ctx, tab, u.Scheme+"://"+u.Host)
	tab.Close()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

// With memory_threshold = 0.01 the machine is always under pressure: the
// pool scales down to min_workers, saying why each time, and still finishes.
func TestAlwaysUnderPressureCompletesOnMinWorkers(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	pos := numberedPOs(4500400000, 16, oneFile)
	srv, input := servePOList(t, dir, sim.Options{POs: pos, Latency: 300 * time.Millisecond})
	cfg := writeConfig(t, dir,
		"[pool]", "worker_count = 3", "min_workers = 1", "memory_threshold = 0.01",
		"[monitor]", `sample_interval = "250ms"`, `pressure_window = "1s"`, "memory_critical = 0.999")
	a := runApp(t, dir, 4*time.Minute, "--no-tui", "--config", cfg, "--base-url", srv.URL(), input)
	out := a.stderr.String()
	if a.code != exitOK {
		t.Fatalf("exit %d\n%s", a.code, out)
	}
	for _, want := range []string{"memory elevated", "retiring one worker, down to 2", "retiring one worker, down to 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, " COMPLETED "); n != len(pos) {
		t.Errorf("%d of %d POs completed:\n%s", n, len(pos), out)
	}
}

// An interrupted run exits 130 with the rest PENDING; running it again
// fetches only what was not finished, each PO once over both runs.
func TestInterruptedRunResumes(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	pos := numberedPOs(4500500000, 10, oneFile)
	csv := "PO_NUMBER;Note\n"
	for i, po := range pos {
		csv += po.ID + ";row " + fmt.Sprint(i+1) + "\n"
	}
	srv := sim.Start(t, sim.Options{POs: pos, Latency: 400 * time.Millisecond})
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte(csv), 0o600)

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd, sc := startApp(t, ctx, dir, "--no-tui", "--workers", "1", "--base-url", srv.URL(), input)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.HasPrefix(sc.Text(), "[ 3/10]") {
			cmd.Process.Signal(os.Interrupt)
			break
		}
	}
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
		t.Fatalf("interrupted run: %v\n%s", err, strings.Join(lines, "\n"))
	}
	res, err := sheet.ReadResults(filepath.Join(dir, "pos_results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	for _, r := range res.Rows {
		switch r.Outcome.Status {
		case "COMPLETED":
			done++
		case "PENDING":
		default:
			t.Errorf("PO%s is %s after the interrupt", r.PO, r.Outcome.Status)
		}
	}
	if done < 3 || done == len(pos) {
		t.Fatalf("%d of %d completed before the interrupt took effect", done, len(pos))
	}

	a := runApp(t, dir, 3*time.Minute, "--no-tui", "--workers", "2", "--base-url", srv.URL(), input)
	if a.code != exitOK {
		t.Fatalf("re-run: exit %d\n%s", a.code, a.stderr.String())
	}
	if want := fmt.Sprintf("/%d] PO", len(pos)-done); !strings.Contains(a.stderr.String(), want) {
		t.Errorf("the re-run did not fetch exactly the %d unfinished POs:\n%s", len(pos)-done, a.stderr.String())
	}
	for _, po := range pos {
		if n := srv.Stats().Pages[po.ID]; n != 1 {
			t.Errorf("PO%s page fetched %d times over both runs, want once", po.ID, n)
		}
	}
	res, err = sheet.ReadResults(filepath.Join(dir, "pos_results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rows {
		if r.Outcome.Status != "COMPLETED" || !strings.HasPrefix(r.Cells[1], "row ") {
			t.Errorf("after the re-run: PO%s %s, note %q", r.PO, r.Outcome.Status, r.Cells[1])
		}
	}
}
