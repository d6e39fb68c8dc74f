package testkit

import (
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"coupatui/internal/browserexec"
)

// fakeTB records what a helper said; Skip and Fatal end the goroutine, as
// they do in a real test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls helper with a fake in a goroutine of its own, so Skip and
// Fatal end only that goroutine.
func run(t *testing.T, helper func(testing.TB)) *fakeTB {
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		helper(f)
	}()
	<-done
	return f
}

func TestWaitFor(t *testing.T) {
	polls := 0
	f := run(t, func(tb testing.TB) {
		WaitFor(tb, "three polls", time.Minute, func() bool { polls++; return polls == 3 })
	})
	if f.failed != "" || polls != 3 {
		t.Errorf("a condition that comes true: failed %q after %d polls", f.failed, polls)
	}
	f = run(t, func(tb testing.TB) {
		WaitFor(tb, "the moon", 30*time.Millisecond, func() bool { return false })
	})
	if want := "timed out after 30ms waiting for the moon"; f.failed != want {
		t.Errorf("a condition that never holds: failed %q, want %q", f.failed, want)
	}
}

func TestChromiumSkipsUnderShort(t *testing.T) {
	was := testing.Short()
	if err := flag.Set("test.short", "true"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { flag.Set("test.short", fmt.Sprint(was)) })
	f := run(t, func(tb testing.TB) {
		Chromium(tb)
		tb.Fatalf("Chromium did not skip under -short")
	})
	if f.skipped != "-short: skipping browser test" {
		t.Errorf("under -short: skipped %q, failed %q", f.skipped, f.failed)
	}
}

func TestChromiumFindsTheBrowserOrSaysHowToInstallOne(t *testing.T) {
	if testing.Short() {
		t.Skip("TestChromiumSkipsUnderShort covers -short")
	}
	var got string
	f := run(t, func(tb testing.TB) { got = Chromium(tb) })
	if exe, ok := browserexec.Find(true); ok {
		if got != exe || f.skipped != "" {
			t.Errorf("with %s installed: got %q, skipped %q", exe, got, f.skipped)
		}
	} else if f.skipped != noBrowser() {
		t.Errorf("with no browser: skipped %q, want %q", f.skipped, noBrowser())
	}
	for _, want := range []string{"chromium", "google-chrome", "apt-get install -y chromium"} {
		if runtime.GOOS == "linux" && !strings.Contains(noBrowser(), want) {
			t.Errorf("the no-browser reason %q does not name %q", noBrowser(), want)
		}
	}
}

func TestSharedStartsOnceOnFirstUseAndStops(t *testing.T) {
	starts, stops := 0, 0
	s := NewShared(func(exe string) (string, error) {
		starts++
		return "browser at " + exe, nil
	}, func(v string) error {
		stops++
		return nil
	})
	if err := s.Stop(); err != nil || stops != 0 {
		t.Fatalf("Stop before any use: %v, %d stops", err, stops)
	}
	for range 2 {
		if f := run(t, func(tb testing.TB) {
			if v := s.get(tb, "/x/chromium"); v != "browser at /x/chromium" {
				tb.Fatalf("get = %q", v)
			}
		}); f.failed != "" {
			t.Fatal(f.failed)
		}
	}
	if err := s.Stop(); err != nil || starts != 1 || stops != 1 {
		t.Errorf("after two uses and Stop: %v, %d starts, %d stops; want 1 and 1", err, starts, stops)
	}

	broken := NewShared(func(string) (int, error) { return 0, errors.New("no display") },
		func(int) error { t.Error("stopped a value that never started"); return nil })
	for range 2 {
		f := run(t, func(tb testing.TB) { broken.get(tb, "/x/chromium") })
		if !strings.Contains(f.failed, "no display") {
			t.Errorf("a start that fails: failed %q", f.failed)
		}
	}
	if err := broken.Stop(); err != nil {
		t.Error(err)
	}
}

// TestOnlyTestsImportTheKit lists every package's non-test imports.
func TestOnlyTestsImportTheKit(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	out, err := exec.Command(goTool, "list", "-f", "{{.ImportPath}}:{{range .Imports}} {{.}}{{end}}", "coupatui/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if !strings.Contains(string(out), "coupatui/browser:") {
		t.Fatalf("go list listed no package of this module:\n%s", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		if pkg != "coupatui/internal/testkit" && strings.Contains(imports+" ", " coupatui/internal/testkit ") {
			t.Errorf("%s imports coupatui/internal/testkit outside its tests", pkg)
		}
	}
}
