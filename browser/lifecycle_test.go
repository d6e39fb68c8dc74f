package browser

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"coupatui/internal/testkit"
)

// TestFindExec needs no browser: a fake executable stands in for one.
func TestFindExec(t *testing.T) {
	if _, err := FindExec("/nonexistent/chrome", true); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("missing path: err = %v, want ErrNoBrowser", err)
	}
	if !strings.Contains(ErrNoBrowser.Error(), "apt-get install -y chromium") ||
		!strings.Contains(ErrNoBrowser.Error(), "brew install --cask") ||
		!strings.Contains(ErrNoBrowser.Error(), "winget install Google.Chrome") {
		t.Errorf("ErrNoBrowser does not say how to install: %q", ErrNoBrowser)
	}
	if _, err := FindExec(t.TempDir(), true); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("a directory: err = %v, want ErrNoBrowser", err)
	}
	fake := fakeBrowser(t)
	if got, err := FindExec(fake, true); err != nil || got != fake {
		t.Errorf("FindExec(%q) = %q, %v", fake, got, err)
	}
	if runtime.GOOS == "windows" {
		return // the rest needs the Unix executable bit and names
	}
	plain := filepath.Join(t.TempDir(), "chromium")
	if err := os.WriteFile(plain, []byte("not a program\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := FindExec(plain, true); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("a file that is not executable: err = %v, want ErrNoBrowser", err)
	}
	t.Setenv("PATH", filepath.Dir(fake))
	if got, err := FindExec("chromium", true); err != nil || got != fake {
		t.Errorf(`FindExec("chromium", true) with the fake on PATH = %q, %v; want %q`, got, err, fake)
	}
	if runtime.GOOS == "linux" { // "chromium" on PATH is the first place Linux looks
		if got, err := FindExec("", false); err != nil || got != fake {
			t.Errorf("search with the fake first on PATH = %q, %v; want %q", got, err, fake)
		}
		// A headless browser is the headless shell where there is one,
		// a visible one never.
		shell := filepath.Join(filepath.Dir(fake), "chromium-headless-shell")
		if err := os.WriteFile(shell, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		if got, err := FindExec("", true); err != nil || !IsHeadlessShell(got) {
			t.Errorf("headless search with a headless shell on PATH = %q, %v; want a headless shell", got, err)
		}
		if got, err := FindExec("", false); err != nil || got != fake {
			t.Errorf("visible search with a headless shell on PATH = %q, %v; want %q", got, err, fake)
		}
	}
}

// TestFindExecFindsTheInstalledBrowser searches this machine's browser.
func TestFindExecFindsTheInstalledBrowser(t *testing.T) {
	testkit.Chromium(t)
	found, err := FindExec("", true)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	if !filepath.IsAbs(found) {
		t.Errorf("search found %q, want an absolute path", found)
	}
}

// fakeBrowser is an executable named as a browser that fails if run, so a
// test that must not launch anything cannot launch a real browser by mistake.
func fakeBrowser(t *testing.T) string {
	t.Helper()
	name, body := "chromium", "#!/bin/sh\nexit 1\n"
	if runtime.GOOS == "windows" {
		name, body = "chrome.exe", ""
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLaunchRefusesBadOptions needs no browser: each option is refused
// before anything runs (the fake browser fails if run).
func TestLaunchRefusesBadOptions(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	fake := fakeBrowser(t)
	if _, err := Launch(ctx, Options{Headless: true, ExecPath: fake}); err == nil || !strings.Contains(err.Error(), "ProfileDir") {
		t.Errorf("no profile: err = %v", err)
	}
	_, err := Launch(ctx, Options{Headless: true, ProfileDir: t.TempDir(), ExecPath: "/no/such/browser"})
	if !errors.Is(err, ErrNoBrowser) {
		t.Errorf("bad exec path: err = %v, want ErrNoBrowser", err)
	}
	if runtime.GOOS == "linux" {
		t.Setenv("DISPLAY", "")
		t.Setenv("WAYLAND_DISPLAY", "")
		_, err := Launch(ctx, Options{Headless: false, ProfileDir: t.TempDir(), ExecPath: fake})
		if err == nil || !strings.Contains(err.Error(), "DISPLAY") {
			t.Errorf("visible without display: err = %v", err)
		}
	}
	_, err = Launch(ctx, Options{Headless: true, ProfileDir: t.TempDir(), ExecPath: fake, Flags: []string{"no-dashes"}})
	if err == nil || !strings.Contains(err.Error(), `"no-dashes"`) {
		t.Errorf("a flag without --: err = %v, want one naming the flag", err)
	}
}

func TestParseSwitch(t *testing.T) {
	for _, tc := range []struct {
		in    string
		name  string
		value any
		ok    bool
	}{
		{"--restore-last-session", "restore-last-session", true, true},
		{"--lang=pt-BR", "lang", "pt-BR", true},
		{"--a=b=c", "a", "b=c", true},
		{" --x ", "x", true, true},
		{"--", "", nil, false},
		{"-x", "", nil, false},
		{"--=v", "", nil, false},
	} {
		name, value, ok := parseSwitch(tc.in)
		if name != tc.name || value != tc.value || ok != tc.ok {
			t.Errorf("parseSwitch(%q) = %q, %v, %v; want %q, %v, %v", tc.in, name, value, ok, tc.name, tc.value, tc.ok)
		}
	}
}

func TestStartTimeoutKillsTheBrowser(t *testing.T) {
	profile := t.TempDir()
	_, err := Launch(context.Background(), Options{ExecPath: testkit.Chromium(t), Headless: true, ProfileDir: profile, StartTimeout: time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline", err)
	}
	if left, _ := profileProcesses(mustAbs(t, profile)); len(left) > 0 {
		t.Errorf("processes left after a failed start: %v", left)
	}
}

func TestPing(t *testing.T) {
	b := shared.Get(t)
	if err := b.Ping(testCtx(t, 5*time.Second)); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if err := b.Ping(context.Background()); err != nil {
		t.Fatalf("ping without deadline: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Ping(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ping with a cancelled context: %v", err)
	}
	if b.PID() <= 0 {
		t.Errorf("PID = %d", b.PID())
	}
	if ua := b.UserAgent(); ua == "" || strings.Contains(ua, "Headless") {
		t.Errorf("user agent %q", ua)
	}
}

func mustAbs(t *testing.T, p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// A browser stopped during its start-up leaves no socket folder in TMPDIR:
// it never removes the one it made by itself. Start-ups are cut at several
// points, since how far one gets in a given time depends on the machine.
func TestStartTimeoutLeavesNothingInTMPDIR(t *testing.T) {
	exe := testkit.Chromium(t)
	profiles := t.TempDir()
	tmp := shortTemp(t)
	for i, d := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond} {
		profile := filepath.Join(profiles, strconv.Itoa(i))
		b, err := Launch(context.Background(), Options{ExecPath: exe, Headless: true, ProfileDir: profile, StartTimeout: d})
		if err == nil {
			b.Close()
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Fatalf("start cut after %s (err %v) left %s in TMPDIR", d, err, left[0].Name())
		}
	}
}

// A killed browser's leftovers in its TMPDIR (socket folder, shared-memory
// files) go with the browser's own temp folder.
func TestKilledBrowserLeavesNothingInTMPDIR(t *testing.T) {
	exe := testkit.Chromium(t)
	profile := t.TempDir()
	tmp := shortTemp(t)
	b, err := Launch(context.Background(), Options{ExecPath: exe, Headless: true, ProfileDir: profile})
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 1 || !strings.HasPrefix(left[0].Name(), "coupatui-") {
		t.Fatalf("TMPDIR holds %v, want the browser's own folder only", left)
	}
	b.Kill()
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Fatalf("a killed browser left %s in TMPDIR", left[0].Name())
	}
}

// shortTemp makes TMPDIR a fresh folder with a short path (t.TempDir's are
// too long for a browser's own temp folder inside) and removes it after.
func shortTemp(t *testing.T) string {
	tmp, err := os.MkdirTemp("", "t")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	t.Setenv("TMPDIR", tmp)
	return tmp
}
