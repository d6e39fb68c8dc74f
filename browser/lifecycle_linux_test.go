//go:build linux

package browser

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestCloseLeavesNoProcess(t *testing.T) {
	b := launchOwn(t, Options{})
	tab, err := b.NewTab(testCtx(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Navigate(testCtx(t, 10*time.Second), "about:blank"); err != nil {
		t.Fatal(err)
	}
	members := groupMembers(t, b.PID())
	if len(members) < 2 {
		t.Fatalf("process group %d has %v; want the browser and its helpers", b.PID(), members)
	}
	if using, _ := profileProcesses(b.ProfileDir()); len(using) == 0 {
		t.Fatal("no process found using the profile")
	}
	if err := b.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	assertGone(t, b)
	for _, pid := range members {
		if processAlive(pid) {
			t.Errorf("group member %d survived Close", pid)
		}
	}
	if !errors.Is(b.Err(), ErrClosed) {
		t.Errorf("Err after Close = %v, want ErrClosed", b.Err())
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	b.Kill() // idempotent after Close
	if err := b.Ping(testCtx(t, time.Second)); err == nil {
		t.Error("ping after close succeeded")
	}
	if _, err := os.Stat(b.ProfileDir()); err != nil {
		t.Errorf("Close removed the profile: %v", err)
	}
	if _, err := tab.Navigate(testCtx(t, 2*time.Second), "about:blank"); err == nil {
		t.Error("a tab of a closed browser still navigates")
	}
	tab.Close()
}

func TestKillKillsTheGroup(t *testing.T) {
	b := launchOwn(t, Options{})
	tab, err := b.NewTab(testCtx(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	members := groupMembers(t, b.PID())
	if len(members) < 2 {
		t.Fatalf("process group %d has %v; want the browser and its helpers", b.PID(), members)
	}
	socketDir := singletonDir(t, b)
	b.Kill()
	assertGone(t, b)
	if _, err := os.Stat(socketDir); !os.IsNotExist(err) {
		t.Errorf("the killed browser's socket folder %s is left in TMPDIR (%v)", socketDir, err)
	}
	for _, pid := range members {
		if processAlive(pid) {
			t.Errorf("group member %d survived Kill", pid)
		}
	}
	if !errors.Is(b.Err(), ErrClosed) {
		t.Errorf("Err after Kill = %v", b.Err())
	}
	b.Kill()
	if err := b.Close(); err != nil {
		t.Errorf("Close after Kill: %v", err)
	}
}

func TestDoneFiresOnExternalKill(t *testing.T) {
	b := launchOwn(t, Options{})
	socketDir := singletonDir(t, b)
	if err := syscall.Kill(-b.PID(), syscall.SIGKILL); err != nil {
		t.Fatalf("kill group: %v", err)
	}
	select {
	case <-b.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done did not close after the browser was killed")
	}
	err := b.Err()
	if err == nil || errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "died") {
		t.Errorf("Err = %v, want a crash", err)
	}
	start := time.Now()
	if err := b.Ping(context.Background()); err == nil {
		t.Error("ping of a dead browser succeeded")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("ping of a dead browser took %v", d)
	}
	if _, err := b.NewTab(testCtx(t, 5*time.Second)); err == nil {
		t.Error("NewTab on a dead browser succeeded")
	}
	if err := b.Close(); err != nil {
		t.Errorf("close after crash: %v", err)
	}
	assertGone(t, b)
	if _, err := os.Stat(socketDir); !os.IsNotExist(err) {
		t.Errorf("the crashed browser's socket folder %s is left in TMPDIR (%v)", socketDir, err)
	}
}

// singletonDir is the TMPDIR of b's own, where Chromium makes its socket
// folder (the headless shell makes none) and shared-memory files.
func singletonDir(t *testing.T, b *Browser) string {
	t.Helper()
	if b.tmp == "" {
		t.Fatal("the browser has no TMPDIR of its own")
	}
	if _, err := os.Stat(b.tmp); err != nil {
		t.Fatalf("the browser's TMPDIR: %v", err)
	}
	if target, err := os.Readlink(filepath.Join(b.ProfileDir(), "SingletonSocket")); err == nil &&
		filepath.Dir(filepath.Dir(target)) != b.tmp {
		t.Fatalf("the socket %s is not in the browser's own TMPDIR %s", target, b.tmp)
	}
	return b.tmp
}

func assertGone(t *testing.T, b *Browser) {
	t.Helper()
	select {
	case <-b.Done():
	default:
		t.Error("Done is open after Close/Kill")
	}
	if processAlive(b.PID()) {
		t.Errorf("browser process %d still alive", b.PID())
	}
	if left, _ := profileProcesses(b.ProfileDir()); len(left) > 0 {
		t.Errorf("processes still using the profile: %v", left)
	}
}

// groupMembers lists the processes in process group pgid.
func groupMembers(t *testing.T, pgid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc")
	}
	var pids []int
	for _, e := range entries {
		var pid int
		if _, err := fmtSscan(e.Name(), &pid); err != nil {
			continue
		}
		if g, err := syscall.Getpgid(pid); err == nil && g == pgid {
			pids = append(pids, pid)
		}
	}
	return pids
}
