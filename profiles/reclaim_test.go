package profiles

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"coupatui/internal/testkit"
)

// ownerEnv makes the test binary a child standing in for another coupatui
// process (see TestMain); it lives until its stdin closes.
const ownerEnv = "COUPATUI_PROFILES_HELPER"

func TestMain(m *testing.M) {
	testkit.AsChild(ownerEnv, func(string) int {
		io.Copy(io.Discard, os.Stdin)
		return 0
	})
	os.Exit(m.Run())
}

// startOwner starts a child process standing for another coupatui run.
func startOwner(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd, _ := testkit.StartChild(t, ownerEnv+"=1")
	return cmd
}

// ownerOf is the lock record a process pid would write for itself.
func ownerOf(pid int) owner {
	_, start := procIdentity(pid)
	return owner{PID: pid, Start: start, Boot: bootID(), Host: hostname(), Created: time.Now().UTC()}
}

// fakeClone makes a clone folder owned by o (no lock when o.PID is 0) with
// one file of size bytes, and returns its path and the bytes it holds.
func fakeClone(t *testing.T, m *Manager, worker, namePID int, o owner, size int) (string, int64) {
	t.Helper()
	if err := os.MkdirAll(m.ClonesDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(m.ClonesDir(), fmt.Sprintf("worker-%d-%d-", worker, namePID))
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{"Default/Cookies": strings.Repeat("c", size)})
	if o.PID != 0 {
		if err := writeLock(dir, o); err != nil {
			t.Fatal(err)
		}
	}
	return dir, treeSize(dir)
}

// deadPID returns the PID of a child process that was started, killed and
// reaped, with the owner record it had while it ran.
func deadPID(t *testing.T) (int, owner) {
	t.Helper()
	cmd := startOwner(t)
	o := ownerOf(cmd.Process.Pid)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait() // reaped: no zombie left to look alive
	if running, _ := procIdentity(o.PID); running {
		t.Fatalf("pid %d still runs after kill and wait", o.PID)
	}
	return o.PID, o
}

func TestReclaimRemovesDeadOwnersOnly(t *testing.T) {
	m := newTestManager(t, Options{})
	writeTree(t, m.Base(), sampleProfile)

	live := startOwner(t)
	livePID := live.Process.Pid
	liveDir, _ := fakeClone(t, m, 0, livePID, ownerOf(livePID), 10)
	mine, err := m.Clone(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	pid, dead := deadPID(t)
	deadDir, _ := fakeClone(t, m, 2, pid, dead, 10)
	// made by a process that died before writing its lock
	noLockDir, _ := fakeClone(t, m, 3, pid, owner{}, 10)
	// being made right now by a live process: no lock yet
	makingDir, _ := fakeClone(t, m, 4, livePID, owner{}, 10)
	// not a clone: never touched
	writeTree(t, m.ClonesDir(), map[string]string{"notes.txt": "keep", "worker-x/file": "keep"})

	rep, err := m.Reclaim()
	if err != nil {
		t.Fatal(err)
	}
	wantGone := []string{deadDir, noLockDir}
	slices.Sort(rep.Dirs)
	slices.Sort(wantGone)
	if !slices.Equal(rep.Dirs, wantGone) || rep.Count != 2 {
		t.Errorf("removed %d: %q, want %q", rep.Count, rep.Dirs, wantGone)
	}
	for _, d := range wantGone {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s still there: %v", d, err)
		}
	}
	for _, d := range []string{liveDir, mine.Dir, makingDir, filepath.Join(m.ClonesDir(), "notes.txt"), filepath.Join(m.ClonesDir(), "worker-x")} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was touched: %v", d, err)
		}
	}
	var kept []int
	for _, k := range rep.Kept {
		kept = append(kept, k.PID)
		if !strings.Contains(k.Reason, fmt.Sprint(k.PID)) {
			t.Errorf("kept %s for %q, want the reason to name pid %d", k.Dir, k.Reason, k.PID)
		}
	}
	slices.Sort(kept)
	wantKept := []int{livePID, livePID, os.Getpid()}
	slices.Sort(wantKept)
	if !slices.Equal(kept, wantKept) {
		t.Errorf("kept owners %v, want %v", kept, wantKept)
	}
}

func TestCleanReportFigures(t *testing.T) {
	m := newTestManager(t, Options{})
	pid, dead := deadPID(t)
	var want int64
	var wantDirs []string
	for i, size := range []int{1000, 2500, 0} {
		dir, n := fakeClone(t, m, i, pid, dead, size)
		want += n
		wantDirs = append(wantDirs, dir)
	}
	lockBytes := int64(0)
	for _, d := range wantDirs {
		info, err := os.Stat(filepath.Join(d, lockFileName))
		if err != nil {
			t.Fatal(err)
		}
		lockBytes += info.Size()
	}
	if want != 3500+lockBytes {
		t.Fatalf("test set-up: %d bytes, want %d", want, 3500+lockBytes)
	}
	rep, err := m.Clean()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(rep.Dirs)
	slices.Sort(wantDirs)
	if rep.Count != 3 || rep.Bytes != want || !slices.Equal(rep.Dirs, wantDirs) || len(rep.Kept) != 0 {
		t.Errorf("report %+v, want 3 clones, %d bytes, %q", rep, want, wantDirs)
	}
	rep, err = m.Clean()
	if err != nil || rep.Count != 0 || rep.Bytes != 0 {
		t.Errorf("second Clean: %+v, %v; want nothing removed", rep, err)
	}
}

func TestReclaimMissingClonesDir(t *testing.T) {
	m := newTestManager(t, Options{})
	rep, err := m.Reclaim()
	if err != nil || rep.Count != 0 {
		t.Fatalf("Reclaim on no clones dir: %+v, %v", rep, err)
	}
}

func TestOwnerAlive(t *testing.T) {
	me := ownerOf(os.Getpid())
	if ok, _ := me.alive(); !ok {
		t.Fatal("this process reads as dead")
	}
	other := me
	other.Host = hostname() + "-elsewhere"
	if ok, why := other.alive(); !ok || !strings.Contains(why, other.Host) {
		t.Errorf("an owner on another host reads as alive=%v (%q), want alive, naming the host", ok, why)
	}
	if runtime.GOOS != "linux" {
		return // start times and boot IDs are read on Linux only
	}
	reused := me
	reused.Start++ // the same PID, started at another time: a later process
	if ok, _ := reused.alive(); ok {
		t.Error("an owner whose PID was reused reads as alive")
	}
	rebooted := me
	rebooted.Boot = "00000000-0000-0000-0000-000000000000"
	if ok, _ := rebooted.alive(); ok {
		t.Error("an owner from an earlier boot reads as alive")
	}
}

// The clone's OS lock decides, not the PID: a clone whose owner held the
// lock and no longer does is removed even though its recorded PID now
// names a running process (a reused PID, as on macOS and Windows where no
// start time is read); a clone whose lock is held is kept whatever its
// record says.
func TestReclaimTrustsTheCloneLockOverPIDs(t *testing.T) {
	m := newTestManager(t, Options{})
	writeTree(t, m.Base(), sampleProfile)
	reused := ownerOf(os.Getpid()) // a live PID: this very process
	reused.Start = 0               // as systems without start times record it
	reused.Locked = true
	staleDir, _ := fakeClone(t, m, 0, os.Getpid(), reused, 10)

	mine, err := m.Clone(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Remove()
	// Tamper with its record: the held lock still says it lives.
	o, err := readLock(mine.Dir)
	if err != nil || !o.Locked {
		t.Fatalf("clone lock record %+v, %v", o, err)
	}

	rep, err := m.Reclaim()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(rep.Dirs, staleDir) {
		t.Errorf("a clone whose lock nobody holds was kept: %+v", rep)
	}
	if _, err := os.Stat(mine.Dir); err != nil {
		t.Errorf("a clone whose lock is held was removed: %v", err)
	}
	kept := false
	for _, k := range rep.Kept {
		kept = kept || k.Dir == mine.Dir && strings.Contains(k.Reason, "holds the clone's lock")
	}
	if !kept {
		t.Errorf("kept %+v, want this process's clone with its reason", rep.Kept)
	}
}
