package browser

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// shared is one browser for the tests that only need a tab; tests that
// close, kill or crash a browser launch their own.
var shared *Browser

const testWorkerHeader = "Coupatui-Worker"

// childProfileEnv makes the test binary a child that launches a browser
// on the named profile, prints its PID and waits to be killed (see
// TestBrowserDiesWithItsParent).
const childProfileEnv = "BROWSER_TEST_CHILD_PROFILE"

func TestMain(m *testing.M) {
	if profile := os.Getenv(childProfileEnv); profile != "" {
		runChild(profile)
		return
	}
	code := func() int {
		profile, err := os.MkdirTemp("", "browser-test-profile-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(profile)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		shared, err = Launch(ctx, Options{
			Headless:       true,
			ProfileDir:     profile,
			BlockResources: true,
			Headers:        map[string][]string{testWorkerHeader: {"w-test"}},
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "launch shared browser:", err)
			return 1
		}
		code := m.Run()
		if err := shared.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "close shared browser:", err)
			code = 1
		}
		if left, _ := profileProcesses(shared.ProfileDir()); len(left) > 0 {
			fmt.Fprintln(os.Stderr, "processes left behind:", left)
			code = 1
		}
		return code
	}()
	if code == 0 {
		if err := goleak.Find(goleak.IgnoreCurrent()); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines leaked:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// newTab opens a tab on the shared browser, closed with the test.
func newTab(t *testing.T) *Tab {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tab, err := shared.NewTab(ctx)
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

// launchOwn starts a browser of the test's own.
func launchOwn(t *testing.T, opts Options) *Browser {
	t.Helper()
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
func runChild(profile string) {
	b, err := Launch(context.Background(), Options{Headless: true, ProfileDir: profile})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child launch:", err)
		os.Exit(2)
	}
	fmt.Println(b.PID())
	<-b.Done() // never, unless the browser dies first
	os.Exit(3)
}
