//go:build linux

package browser

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"coupatui/internal/testkit"
)

// TestBrowserDiesWithItsParent kills (SIGKILL, no clean-up possible) a
// process that launched a browser: the parent-death signal must take the
// browser and its helpers down with it.
func TestBrowserDiesWithItsParent(t *testing.T) {
	testkit.Chromium(t) // the child launches the browser it finds
	profile := t.TempDir()
	t.Cleanup(func() { SweepProfile(profile) }) // after the child's clean-up, which StartChild adds next
	// The child's browser makes its own TMPDIR in the child's; a SIGKILL
	// leaves it, so it goes with the test's.
	cmd, out := testkit.StartChild(t, childProfileEnv+"="+profile, "TMPDIR="+shortTemp(t))
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("child did not report a browser: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || !processAlive(pid) {
		t.Fatalf("child reported %q", line)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	deadline := time.Now().Add(15 * time.Second)
	for {
		// Renderers and utility processes do not carry --user-data-dir but
		// share the browser's process group, and may still write into the
		// profile: wait for the whole group too, or TempDir's clean-up races them.
		left, _ := profileProcesses(profile)
		left = append(left, liveGroupMembers(pid)...)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser processes %v outlived their parent", left)
		}
		time.Sleep(20 * time.Millisecond) // processes we do not parent send no signal
	}
}

// TestRemoteBrowser attaches to a browser someone else started: it works
// through it, and Close leaves it running.
func TestRemoteBrowser(t *testing.T) {
	exe := testkit.Chromium(t)
	profile := t.TempDir()
	args := []string{"--headless", "--remote-debugging-port=0", "--user-data-dir=" + profile, "--no-first-run",
		"--no-default-browser-check", "--disable-background-networking", "--disable-component-update", "about:blank"}
	if os.Geteuid() == 0 {
		args = append(args, "--no-sandbox")
	}
	cmd := exec.Command(exe, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir()) // what the killed browser leaves there goes with the test
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		SweepProfile(profile)
	})
	// The browser writes its port and path once it listens; it sends no
	// other signal.
	var port, path string
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort"))
		if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); err == nil && len(lines) == 2 {
			port, path = lines[0], lines[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the remote browser never listened")
		}
		time.Sleep(20 * time.Millisecond)
	}
	ws := fmt.Sprintf("ws://127.0.0.1:%s%s", port, path)

	b, err := Launch(testCtx(t, 30*time.Second), Options{Remote: ws, BlockResources: true})
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	if b.PID() != 0 || b.ProfileDir() != "" {
		t.Errorf("remote browser: PID %d, profile %q", b.PID(), b.ProfileDir())
	}
	srv := newFileServer(t)
	srv.handle("/p", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `<h1>remote</h1>`) })
	tab, err := b.NewTab(testCtx(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := tab.Navigate(testCtx(t, 10*time.Second), srv.URL+"/p"); err != nil || resp.Status != 200 {
		t.Fatalf("navigate through the remote browser: %+v, %v", resp, err)
	}
	if err := tab.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Ping(testCtx(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	<-b.Done()
	if !processAlive(cmd.Process.Pid) {
		t.Fatal("Close killed a browser we only attached to")
	}
	// It still answers its own clients.
	resp, err := http.Get("http://127.0.0.1:" + port + "/json/version")
	if err != nil {
		t.Fatalf("remote browser after Close: %v", err)
	}
	resp.Body.Close()
	if _, err := Launch(testCtx(t, 5*time.Second), Options{Remote: "ws://127.0.0.1:1/devtools/browser/x"}); err == nil {
		t.Error("attaching to nothing succeeded")
	}
}

// liveGroupMembers lists the processes of process group pgid that have not
// exited (zombies left for a non-reaping init are gone for our purpose).
func liveGroupMembers(pgid int) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, err := strconv.Atoi(f[2]); err == nil && g == pgid {
			pids = append(pids, pid)
		}
	}
	return pids
}

// TestKillAfterTheHostDiedTellsTheLoss: a remote host dies, a call fails
// on the lost connection and its caller kills the browser (the pool does
// when a tab cannot be closed) before the watcher has looked: Err must
// still say the connection was lost, not "browser closed" as if we had
// ended it. The watcher is held on the browser's lock meanwhile, the
// order a loaded machine gives now and then.
func TestKillAfterTheHostDiedTellsTheLoss(t *testing.T) {
	host := testkit.StartChromiumHost(t, testkit.Chromium(t))
	b, err := Launch(testCtx(t, 30*time.Second), Options{Remote: host.URL()})
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	b.mu.Lock()
	host.Kill()
	select {
	case <-b.cdp.LostConnection:
	case <-time.After(10 * time.Second):
		b.mu.Unlock()
		t.Fatal("the connection did not drop with the host")
	}
	b.markClosingLocked() // what Kill does first
	b.mu.Unlock()
	b.Kill()
	<-b.Done()
	if err := b.Err(); errors.Is(err, ErrClosed) || err == nil || !strings.Contains(err.Error(), "lost") {
		t.Errorf("Err after the host died, then Kill = %v, want the lost connection", err)
	}
}
