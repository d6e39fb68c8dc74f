package profiles_test

import (
	"context"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"coupatui/browser"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/profiles"
)

const signedInPO = "4500012345"

// startTimeout is generous: on two cores shared with other test runs a
// Chromium start-up can take tens of seconds.
const startTimeout = 90 * time.Second

// TestCloneStaysSignedIn signs in to the simulated Coupa, whose session
// cookie has no expiry, in a real Chromium on a base profile, closes it
// cleanly, and shows that browsers on clones open a protected PO page
// without meeting the sign-in wall, while a plain copy of the same base does
// meet it (the test can fail), and that --restore-last-session is the other
// cure for a plain copy. Every browser here is the full one `coupatui
// login` uses: a headless shell drops such cookies whatever the profile
// says, and gets them from the pool instead (pool's
// TestRealSignedInClonesAndSessionExpiry).
func TestCloneStaysSignedIn(t *testing.T) {
	testkit.LoginChromium(t)
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	srv := sim.Start(t, sim.Options{SignIn: true, SessionCookie: true,
		POs: []sim.PO{{ID: signedInPO, Supplier: "Acme Industrial"}}})
	root := t.TempDir()
	m, err := profiles.New(profiles.Options{Base: filepath.Join(root, "base"), ClonesDir: filepath.Join(root, "clones")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.RemoveAll() })
	if err := m.EnsureBase(); err != nil {
		t.Fatal(err)
	}
	poURL := srv.URL() + "/order_headers/" + signedInPO

	start := time.Now()
	signIn(ctx, t, m.Base(), srv, poURL)
	t.Logf("signed in and closed the base browser in %v", time.Since(start).Round(time.Millisecond))
	if pid, inUse := m.BaseInUse(); inUse {
		t.Fatalf("the base is still held by pid %d after its browser closed", pid)
	}
	if got := exitType(t, m.Base()); got != "Normal" {
		t.Fatalf("the base's last exit is %q, want Normal: the browser did not close cleanly, so this test would prove nothing", got)
	}

	t.Run("clones", func(t *testing.T) {
		start := time.Now()
		// Clone for three workers at once, as the pool does; then open the
		// browsers one after the other, so a loaded machine does not make
		// their start-ups time out.
		clones := make([]*profiles.Clone, 3)
		var wg sync.WaitGroup
		for w := range clones {
			wg.Go(func() {
				c, err := m.Clone(ctx, w)
				if err != nil {
					t.Error(err)
					return
				}
				clones[w] = c
			})
		}
		wg.Wait()
		t.Logf("cloned for 3 workers in %v", time.Since(start).Round(time.Millisecond))
		for w, c := range clones {
			if c == nil {
				continue
			}
			if got := openPO(ctx, t, c.Dir, poURL, nil); got != "/order_headers/"+signedInPO {
				t.Errorf("worker %d: the PO page led to %s, want the PO page itself", w, got)
			}
			if err := c.Remove(); err != nil {
				t.Error(err)
			}
		}
		t.Logf("3 clones opened the PO page in %v", time.Since(start).Round(time.Millisecond))
	})
	t.Run("plain copy meets the wall", func(t *testing.T) {
		dir := filepath.Join(root, "plain")
		plainCopy(t, m.Base(), dir)
		if got := openPO(ctx, t, dir, poURL, nil); got != "/sessions/new" {
			t.Errorf("a plain copy opened %s, want the sign-in wall /sessions/new", got)
		}
	})
	t.Run("plain copy with CloneFlags", func(t *testing.T) {
		dir := filepath.Join(root, "flagged")
		plainCopy(t, m.Base(), dir)
		if got := openPO(ctx, t, dir, poURL, profiles.CloneFlags()); got != "/order_headers/"+signedInPO {
			t.Errorf("a plain copy started with %v opened %s, want the PO page", profiles.CloneFlags(), got)
		}
	})
}

// signIn opens the PO page in a browser on the base, meets the wall, posts
// the sign-in form from the page (so the browser stores the session cookie
// from the server's answer), checks the PO page opens, and closes the
// browser cleanly.
func signIn(ctx context.Context, t *testing.T, base string, srv *sim.Server, poURL string) {
	t.Helper()
	// The browser `coupatui login` shows, headless here.
	b, err := browser.Launch(ctx, browser.Options{ExecPath: testkit.LoginChromium(t), Headless: true,
		ProfileDir: base, StartTimeout: startTimeout})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tab, err := b.NewTab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tab.Navigate(ctx, poURL)
	if err != nil {
		t.Fatal(err)
	}
	if path(t, resp.URL) != srv.SignInPath() {
		t.Fatalf("before signing in the PO page led to %s, want the wall %s", resp.URL, srv.SignInPath())
	}
	// Fill the real form and post it from the page; the sign-in follows
	// the redirect to return_to with the new cookie, so it ends on the PO page.
	landed, _ := testkit.SimSignInPage(t, ctx, tab, srv.URL())
	if path(t, landed) != "/order_headers/"+signedInPO {
		t.Fatalf("signing in led to %s, want the PO page", landed)
	}
	if got := srv.Stats().SignIns; got != 1 {
		t.Fatalf("%d sign-ins, want 1", got)
	}
	resp, err = tab.Navigate(ctx, poURL)
	if err != nil {
		t.Fatal(err)
	}
	if path(t, resp.URL) != "/order_headers/"+signedInPO {
		t.Fatalf("after signing in the PO page led to %s", resp.URL)
	}
	if err := tab.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

// openPO starts a browser on profile, loads the PO page and returns the
// path it ended on.
func openPO(ctx context.Context, t *testing.T, profile, poURL string, flags []string) string {
	t.Helper()
	opts := browser.Options{ExecPath: testkit.LoginChromium(t), Headless: true,
		ProfileDir: profile, Flags: flags, StartTimeout: startTimeout}
	b, err := browser.Launch(ctx, opts)
	if err != nil && strings.Contains(err.Error(), "chrome failed to start") {
		// Seen once in CI on a loaded machine: Chromium crashed as it
		// started (crashpad wrote a report), before it read the profile.
		// That says nothing of the profile; a second start does.
		t.Logf("%s: started again after: %v", profile, err)
		b, err = browser.Launch(ctx, opts)
	}
	if err != nil {
		t.Error(err)
		return ""
	}
	defer b.Close()
	tab, err := b.NewTab(ctx)
	if err != nil {
		t.Error(err)
		return ""
	}
	defer tab.Close()
	resp, err := tab.Navigate(ctx, poURL)
	if err != nil {
		t.Error(err)
		return ""
	}
	return path(t, resp.URL)
}

func path(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Errorf("url %q: %v", raw, err)
		return ""
	}
	return u.Path
}

// exitType reads profile.exit_type from the Default/Preferences of dir.
func exitType(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "Default", "Preferences"))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), `"exit_type":"`)
	if i < 0 {
		return ""
	}
	rest := string(b[i+len(`"exit_type":"`):])
	return rest[:strings.IndexByte(rest, '"')]
}

// plainCopy copies every folder and regular file, as cp -r would.
func plainCopy(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o700)
		case d.Type().IsRegular():
			in, err := os.Open(p)
			if err != nil {
				return err
			}
			defer in.Close()
			out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, in); err != nil {
				out.Close()
				return err
			}
			return out.Close()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
