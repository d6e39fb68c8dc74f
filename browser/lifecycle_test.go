package browser

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestFindExec(t *testing.T) {
	if _, err := FindExec("/nonexistent/chrome"); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("missing path: err = %v, want ErrNoBrowser", err)
	}
	if !strings.Contains(ErrNoBrowser.Error(), "apt-get install -y chromium") ||
		!strings.Contains(ErrNoBrowser.Error(), "brew install --cask") ||
		!strings.Contains(ErrNoBrowser.Error(), "winget install Google.Chrome") {
		t.Errorf("ErrNoBrowser does not say how to install: %q", ErrNoBrowser)
	}
	if _, err := FindExec(t.TempDir()); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("a directory: err = %v, want ErrNoBrowser", err)
	}
	found, err := FindExec("")
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	if !filepath.IsAbs(found) {
		t.Errorf("search found %q, want an absolute path", found)
	}
	if got, err := FindExec("chromium"); err != nil || !filepath.IsAbs(got) {
		t.Errorf(`FindExec("chromium") = %q, %v`, got, err)
	}
}

func TestLaunchRefusesBadOptions(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	if _, err := Launch(ctx, Options{Headless: true}); err == nil || !strings.Contains(err.Error(), "ProfileDir") {
		t.Errorf("no profile: err = %v", err)
	}
	_, err := Launch(ctx, Options{Headless: true, ProfileDir: t.TempDir(), ExecPath: "/no/such/browser"})
	if !errors.Is(err, ErrNoBrowser) {
		t.Errorf("bad exec path: err = %v, want ErrNoBrowser", err)
	}
	if runtime.GOOS == "linux" {
		t.Setenv("DISPLAY", "")
		t.Setenv("WAYLAND_DISPLAY", "")
		_, err := Launch(ctx, Options{Headless: false, ProfileDir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), "DISPLAY") {
			t.Errorf("visible without display: err = %v", err)
		}
	}
	_, err = Launch(ctx, Options{Headless: true, ProfileDir: t.TempDir(), Flags: []string{"no-dashes"}})
	if err == nil {
		t.Error("a flag without -- was accepted")
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
	_, err := Launch(context.Background(), Options{Headless: true, ProfileDir: profile, StartTimeout: time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline", err)
	}
	if left, _ := profileProcesses(mustAbs(t, profile)); len(left) > 0 {
		t.Errorf("processes left after a failed start: %v", left)
	}
}

func TestPing(t *testing.T) {
	if err := shared.Ping(testCtx(t, 5*time.Second)); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if err := shared.Ping(context.Background()); err != nil {
		t.Fatalf("ping without deadline: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := shared.Ping(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ping with a cancelled context: %v", err)
	}
	if shared.PID() <= 0 {
		t.Errorf("PID = %d", shared.PID())
	}
	if ua := shared.UserAgent(); ua == "" || strings.Contains(ua, "Headless") {
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
