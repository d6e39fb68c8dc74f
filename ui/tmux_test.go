package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The console under a real terminal: the test binary re-runs itself inside
// a tmux session (a real pty, real key decoding, the alternate screen) over
// a real pool on the fake engine (the live fixture), and drives it with
// tmux send-keys, reading the screen with capture-pane. The end-to-end
// test of the coupatui binary against the simulator builds on the same
// moves.

const tmuxChildEnv = "COUPATUI_UI_TMUX_CHILD"

func TestConsoleInTmux(t *testing.T) {
	if callsPath := os.Getenv(tmuxChildEnv); callsPath != "" {
		runTmuxChild(t, callsPath)
		return
	}
	if testing.Short() {
		t.Skip("starts tmux")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux not installed")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	sock := fmt.Sprintf("coupatui-ui-%d", os.Getpid())
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-L", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v: %s", args, err, out)
		}
		return string(out)
	}
	child := fmt.Sprintf("env %s=%s %s -test.run '^TestConsoleInTmux$' 2>%s", tmuxChildEnv, calls, exe, filepath.Join(dir, "stderr"))
	run("-f", "/dev/null", "new-session", "-d", "-s", "ui", "-x", "120", "-y", "40", child)
	t.Cleanup(func() { _ = exec.Command(tmux, "-L", sock, "kill-server").Run() })

	capture := func() string { return run("capture-pane", "-p", "-t", "ui") }
	// waitFor polls the pane: a terminal offers no signal for "drawn".
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			scr := capture()
			if strings.Contains(scr, want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%q never showed; screen:\n%s", want, scr)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	keys := func(k ...string) { run(append([]string{"send-keys", "-t", "ui"}, k...)...) }
	text := func(s string) { run("send-keys", "-t", "ui", "-l", s) }

	waitFor("Workers 4/4")
	keys("a")
	waitFor("Add POs")
	text("PO4500000999, 4500000998")
	keys("Tab", "u", "Enter")
	waitFor("added 2 POs as URGENT: PO4500000999 PO4500000998")
	keys("/")
	text("999")
	keys("Enter", "l")
	waitFor("PO4500000999 moved to LOW")
	keys("x")
	waitFor("Cancel PO4500000999? [y/N]")
	keys("Enter")
	waitFor("PO4500000999 kept")
	keys("x", "y")
	waitFor("PO4500000999 cancelled")
	// esc then + sent together would read as alt++: wait for esc's effect.
	keys("Escape")
	waitFor("queue filter cleared")
	// Paused, the new worker takes no task, so - retires it, not the
	// restarting W4, whatever the timing.
	keys("p")
	waitFor("paused: no new task starts")
	keys("+")
	waitFor("scaling to 5 workers (was 4)")
	keys("-")
	waitFor("scaling to 4 workers (was 5)")
	keys("p")
	waitFor("resumed: tasks start again")
	keys("BTab", "G")
	waitFor("┏━ Workers")
	keys("q")
	waitFor("Quitting: 3 running tasks to finish")
	keys("q")
	waitFor("Force quit? 3 running tasks will be cancelled. [y/N]")
	keys("y")

	// The child writes the pool's calls when Run has returned.
	deadline := time.Now().Add(10 * time.Second)
	var b []byte
	for {
		if b, err = os.ReadFile(calls); err == nil && strings.HasSuffix(string(b), "\n") {
			break
		}
		if time.Now().After(deadline) {
			stderr, _ := os.ReadFile(filepath.Join(dir, "stderr"))
			t.Fatalf("the console did not exit: %v\n%s\n%s", err, stderr, capture())
		}
		time.Sleep(50 * time.Millisecond)
	}
	got := strings.Split(strings.TrimSpace(string(b)), "\n")
	want := []string{"queued 4500000999 URGENT", "queued 4500000998 URGENT", "priority 4500000999 LOW",
		"cancelled 4500000999: cancelled by operator", "paused", "scaled: target 4 → 5 workers",
		"scaled: target 5 → 4 workers", "resumed", "draining", "draining"}
	// Forcing cancelled the three running tasks, in no particular order.
	forced := []string{"cancelled 4500000101: cancelled by shutdown", "cancelled 4500000102: cancelled by shutdown",
		"cancelled 4500000103: cancelled by shutdown"}
	n := len(want)
	if len(got) != n+len(forced)+1 || !slices.Equal(got[:n], want) || got[len(got)-1] != "run: <nil>" {
		t.Fatalf("the pool did %q, want %q, then %q in any order, then run: <nil>", got, want, forced)
	}
	tail := slices.Sorted(slices.Values(got[n : len(got)-1]))
	if !slices.Equal(tail, forced) {
		t.Fatalf("after forcing the pool did %q, want %q", tail, forced)
	}
}

// runTmuxChild is the console side: Run on the real terminal over the live
// fixture's pool, then what the console's commands made the pool do, one
// per line.
func runTmuxChild(t *testing.T, callsPath string) {
	f := liveFixturePool(t)
	opts := testOptions(f, fixtureLogs())
	opts.NoColor = false
	err := Run(context.Background(), opts)
	<-f.rec.Done() // Run shut the pool down: every event is recorded
	out := strings.Join(f.commands(), "\n") + fmt.Sprintf("\nrun: %v\n", err)
	if werr := os.WriteFile(callsPath+".tmp", []byte(out), 0o600); werr != nil {
		t.Fatal(werr)
	}
	if werr := os.Rename(callsPath+".tmp", callsPath); werr != nil {
		t.Fatal(werr)
	}
}
