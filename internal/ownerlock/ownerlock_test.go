package ownerlock

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coupatui/internal/testkit"
)

// The tests run this test binary as a second process that takes a lock
// and waits, so the lock is held by another PID as in real use.
func TestMain(m *testing.M) {
	testkit.AsChild(holdEnv, hold)
	os.Exit(m.Run())
}

// holdEnv names the lock file the child holds.
const holdEnv = "OWNERLOCK_HOLD"

// hold is the child: it takes the lock at path, says so and waits.
func hold(path string) int {
	if _, err := Acquire(path, "test holder"); err != nil {
		os.Stderr.WriteString(err.Error())
		return 2
	}
	os.Stdout.WriteString("held\n")
	time.Sleep(time.Minute)
	return 0
}

func TestSecondHolderIsRefusedAndNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locks", "x.lock")
	l, err := Acquire(path, "first")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(path, "second")
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) || held.Owner.PID != os.Getpid() || held.Owner.What != "first" {
		t.Fatalf("second Acquire: %v", err)
	}
	if !strings.Contains(err.Error(), "pid ") || !strings.Contains(err.Error(), "started ") {
		t.Errorf("message %q names no pid and start time", err)
	}
	if h, o, err := Held(path); err != nil || !h || o.PID != os.Getpid() {
		t.Errorf("Held = %v %+v %v", h, o, err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
	if h, _, err := Held(path); err != nil || h {
		t.Errorf("Held after Release = %v %v", h, err)
	}
	l2, err := Acquire(path, "again")
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l2.Release()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v %v", st, err)
	}
}

// A holder killed with SIGKILL leaves the lock free: the system released it.
func TestKilledHolderLeavesTheLockFree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	cmd, out := testkit.StartChild(t, holdEnv+"="+path)
	buf := make([]byte, 5)
	if _, err := io.ReadFull(out, buf); err != nil || string(buf) != "held\n" {
		t.Fatalf("child: %q %v", buf, err)
	}
	_, err := Acquire(path, "parent")
	var held *HeldError
	if !errors.As(err, &held) || held.Owner.PID != cmd.Process.Pid {
		t.Fatalf("Acquire while the child holds it: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := Acquire(path, "parent")
	if err != nil {
		t.Fatalf("Acquire after the holder was killed: %v", err)
	}
	l.Release()
}
