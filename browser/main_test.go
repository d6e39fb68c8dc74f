package browser

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"coupatui/internal/testkit"
)

// shared is one browser for the tests that only need a tab, started by the
// first of them; tests that close, kill or crash a browser launch their own.
var shared = testkit.NewShared(launchShared, closeShared)

const testWorkerHeader = "Coupatui-Worker"

// childProfileEnv makes the test binary a child that launches a browser
// on the named profile, prints its PID and waits to be killed (see
// TestBrowserDiesWithItsParent).
const childProfileEnv = "BROWSER_TEST_CHILD_PROFILE"

func TestMain(m *testing.M) {
	testkit.AsChild(childProfileEnv, runChild)
	testkit.Main(m, shared)
}

func launchShared(exe string) (*Browser, error) {
	profile, err := os.MkdirTemp("", "browser-test-profile-")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := Launch(ctx, Options{
		ExecPath:       exe,
		Headless:       true,
		ProfileDir:     profile,
		BlockResources: true,
		Headers:        map[string][]string{testWorkerHeader: {"w-test"}},
	})
	if err != nil {
		os.RemoveAll(profile)
		return nil, err
	}
	return b, nil
}

// closeShared closes the shared browser, checks it left no process and
// removes its profile.
func closeShared(b *Browser) error {
	defer os.RemoveAll(b.ProfileDir())
	if err := b.Close(); err != nil {
		return err
	}
	if left, _ := profileProcesses(b.ProfileDir()); len(left) > 0 {
		return fmt.Errorf("processes left behind: %v", left)
	}
	return nil
}

// newTab opens a tab on the shared browser, closed with the test.
func newTab(t *testing.T) *Tab {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tab, err := shared.Get(t).NewTab(ctx)
	if err != nil {
		t.Fatalf("new tab: %v", err)
	}
	t.Cleanup(func() {
		if err := tab.Close(); err != nil {
			t.Errorf("close tab: %v", err)
		}
	})
	return tab
}

// launchOwn starts a browser of the test's own (or skips the test, see
// testkit.Chromium).
func launchOwn(t *testing.T, opts Options) *Browser {
	t.Helper()
	opts.ExecPath = testkit.Chromium(t)
	if opts.ProfileDir == "" {
		opts.ProfileDir = t.TempDir()
	}
	opts.Headless = true
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := Launch(ctx, opts)
	if err != nil {
		t.Fatalf("launch: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func fmtSscan(s string, pid *int) (int, error) { return fmt.Sscan(s, pid) }

// runChild launches a browser, reports its PID on stdout and blocks until
// the parent test kills this process.
func runChild(profile string) int {
	b, err := Launch(context.Background(), Options{Headless: true, ProfileDir: profile})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child launch:", err)
		return 2
	}
	fmt.Println(b.PID())
	<-b.Done() // never, unless the browser dies first
	return 3
}
