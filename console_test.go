//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/vocab"
)

// TestConsoleEndToEnd runs the real binary (real Chromium, the simulated
// Coupa) in a real terminal under tmux and drives it as an operator would:
// add a PO, reprioritise one, cancel one, scale up and down, quit; then it
// checks the results workbook. The site is slow and long, not the demo's,
// so the run cannot finish (and its summary cover the queue) before the
// operator quits, however slow the machine.
func TestConsoleEndToEnd(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	pos := numberedPOs(4500001000, 2000, func(int) sim.PO {
		return sim.PO{Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{{Name: "q.pdf", Size: 16 << 10}}}
	})
	srv, input := servePOList(t, dir, sim.Options{POs: pos, Latency: 200 * time.Millisecond})
	exitFile := filepath.Join(dir, "exit")
	run, capture := tmuxSession(t, dir, "e2e", fmt.Sprintf("'%s' --workers 1 --base-url %s '%s' 2>'%s'\necho $? > '%s.tmp' && mv '%s.tmp' '%s'\n",
		os.Args[0], srv.URL(), input, filepath.Join(dir, "stderr"), exitFile, exitFile, exitFile))
	// A terminal offers no signal for "drawn": poll the screen.
	waitFor := func(want string, within time.Duration) string {
		t.Helper()
		deadline := time.Now().Add(within)
		for {
			scr := capture()
			if strings.Contains(scr, want) {
				return scr
			}
			if time.Now().After(deadline) {
				stderr, _ := os.ReadFile(filepath.Join(dir, "stderr"))
				t.Fatalf("%q never showed; screen:\n%s\nstderr:\n%s", want, scr, stderr)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// waitLine waits until one line of the screen satisfies ok.
	waitLine := func(ok func(string) bool, what string, within time.Duration) {
		t.Helper()
		deadline := time.Now().Add(within)
		for {
			scr := capture()
			for _, line := range strings.Split(scr, "\n") {
				if ok(line) {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("waited %s for %s; screen:\n%s", within, what, scr)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	keys := func(k ...string) { run(append([]string{"send-keys", "-t", "e2e"}, k...)...) }
	text := func(s string) { run("send-keys", "-t", "e2e", "-l", s) }

	waitFor("Workers 1/1", time.Minute)
	waitFor("running", 2*time.Minute)

	keys("a")
	waitFor("Add POs", 10*time.Second)
	text("PO4500009999")
	keys("Tab", "u", "Enter")
	waitFor("added 1 PO as URGENT: PO4500009999", 10*time.Second)

	// The console may lag the keys (each one refilters 2,000 tasks, slowly
	// under -race): wait for the status line to acknowledge a filter before
	// reading rows, and for esc's own acknowledgement before the next key,
	// since an esc still unread when "/" arrives reads as alt+/. The log
	// pane repeats acknowledgements without the glyph.
	filter := func(po string) {
		keys("/")
		text(po)
		keys("Enter")
		waitFor(`✓ queue filtered by "`+po+`"`, 30*time.Second)
	}
	clearFilter := func() {
		keys("Escape")
		waitFor("✓ queue filter cleared", 30*time.Second)
	}

	filter("4500001039")
	keys("u")
	waitFor("PO4500001039 moved to URGENT", 10*time.Second)
	clearFilter()

	filter("4500001038")
	keys("x")
	waitFor("Cancel PO4500001038? [y/N]", 10*time.Second)
	keys("y")
	waitFor("PO4500001038 cancelled", 10*time.Second)
	clearFilter()

	keys("+")
	waitFor("scaling to 2 workers (was 1)", 10*time.Second)
	waitFor("Workers 2/2", time.Minute)
	keys("-")
	waitFor("scaling to 1 workers (was 2)", 10*time.Second)

	// Both urgent POs run before the rest of the queue: filter the queue to
	// each, wait for its row to show a final state, then quit with most POs
	// still queued.
	for _, po := range []string{"4500009999", "4500001039"} {
		filter(po)
		waitLine(func(line string) bool {
			return strings.Contains(line, "PO"+po) && strings.ContainsAny(line, "✓✗∅")
		}, "PO"+po+" finished", 3*time.Minute)
		clearFilter()
	}
	keys("q")
	waitFor("Quitting", 10*time.Second)
	deadline := time.Now().Add(2 * time.Minute)
	var (
		code []byte
		err  error
	)
	for {
		if code, err = os.ReadFile(exitFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("coupatui did not exit after q; screen:\n%s", capture())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := strings.TrimSpace(string(code)); got != fmt.Sprint(exitInterrupted) && got != fmt.Sprint(exitOK) {
		t.Errorf("exit code %s after quitting mid-run, want 130 (or 0 had everything finished)", got)
	}

	status := statuses(t, filepath.Join(dir, "pos_results.xlsx"))
	if got := status["4500001038"]; got != "CANCELLED" {
		t.Errorf("the cancelled PO is %q in the results", got)
	}
	if got := status["4500009999"]; got != "PO_NOT_FOUND" {
		t.Errorf("the added urgent PO (unknown to Coupa) is %q in the results, want PO_NOT_FOUND", got)
	}
	if got := status["4500001039"]; got != "COMPLETED" {
		t.Errorf("the PO moved to URGENT is %q in the results, want COMPLETED", got)
	}
	pending := 0
	for _, st := range status {
		if st == "PENDING" {
			pending++
		}
	}
	t.Logf("results: %d POs, %d PENDING after the graceful quit", len(status), pending)
}

// TestConsoleSIGTERMDrains sends SIGTERM to coupatui under the console (a
// real terminal under tmux): it drains as q does, showing it, and the POs
// running at the signal end COMPLETED in the workbook, none CANCELLED.
func TestConsoleSIGTERMDrains(t *testing.T) {
	needBrowser(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	dir := t.TempDir()
	pos := numberedPOs(4500650000, 12, func(int) sim.PO {
		return sim.PO{Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{{Name: "q.pdf", Size: 64 << 10, Slow: true}}}
	})
	srv, input := servePOList(t, dir, sim.Options{POs: pos, Latency: 300 * time.Millisecond})

	exitFile, pidFile := filepath.Join(dir, "exit"), filepath.Join(dir, "pid")
	_, capture := tmuxSession(t, dir, "sig", fmt.Sprintf("'%s' --workers 2 --base-url %s '%s' 2>'%s' &\necho $! > '%s'\nwait $!\necho $? > '%s.tmp' && mv '%s.tmp' '%s'\n",
		os.Args[0], srv.URL(), input, filepath.Join(dir, "stderr"), pidFile, exitFile, exitFile, exitFile))
	waitFor := func(want string, within time.Duration) {
		t.Helper()
		testkit.WaitFor(t, fmt.Sprintf("%q on the screen", want), within, func() bool { return strings.Contains(capture(), want) })
	}

	waitFor("Workers 2/2", time.Minute)
	waitFor("busy       PO45006500", time.Minute) // a worker on a PO page
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	fmt.Sscan(string(b), &pid)
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor("Quitting", 10*time.Second)
	var code []byte
	testkit.WaitFor(t, "coupatui to exit after SIGTERM", 2*time.Minute, func() bool {
		code, err = os.ReadFile(exitFile)
		return err == nil
	})
	if got := strings.TrimSpace(string(code)); got != fmt.Sprint(exitInterrupted) {
		stderr, _ := os.ReadFile(filepath.Join(dir, "stderr"))
		t.Fatalf("exit %s after SIGTERM mid-run, want 130\n%s", got, stderr)
	}
	got := map[string]int{}
	for _, st := range statuses(t, filepath.Join(dir, "pos_results.xlsx")) {
		got[st]++
	}
	fetched := len(srv.Stats().Pages)
	t.Logf("after SIGTERM: %v, %d POs fetched", got, fetched)
	if got["CANCELLED"] != 0 || got["COMPLETED"] == 0 || got["COMPLETED"] != fetched || got["PENDING"] != len(pos)-fetched {
		t.Errorf("after SIGTERM: %v with %d POs fetched; want every fetched PO COMPLETED (drained), the rest PENDING", got, fetched)
	}
}

// tmuxSession runs script (shell lines) in dir, with the test's
// environment, in a detached 150x45 tmux session called name on a tmux
// server of its own, killed at cleanup; the shell then sleeps so the last
// screen stays to be read. tm runs a tmux command against that server;
// capture is the session's screen. It skips the test without tmux.
func tmuxSession(t *testing.T, dir, name, script string) (tm func(args ...string) string, capture func() string) {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux not installed")
	}
	sock := fmt.Sprintf("coupatui-%s-%d", name, os.Getpid())
	tm = func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-L", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v: %s", args, err, out)
		}
		return string(out)
	}
	vars, _ := env(t, dir)
	var sh strings.Builder
	sh.WriteString("#!/bin/sh\ncd " + dir + "\n")
	for _, v := range vars {
		if k, val, ok := strings.Cut(v, "="); ok && (strings.HasPrefix(k, "XDG_") || k == "HOME" || k == "TMPDIR" || k == "COUPATUI_RUN_MAIN") {
			fmt.Fprintf(&sh, "export %s='%s'\n", k, val)
		}
	}
	sh.WriteString(script + "sleep 600\n")
	path := filepath.Join(dir, "run.sh")
	if err := os.WriteFile(path, []byte(sh.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	tm("-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "150", "-y", "45", path)
	t.Cleanup(func() { exec.Command(tmux, "-L", sock, "kill-server").Run() })
	return tm, func() string { return tm("capture-pane", "-p", "-t", name) }
}
