package pool_test

import (
	"context"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coupatui/browser"
	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/pool"
	"coupatui/profiles"
	"coupatui/vocab"
)

// signIn fills the simulator's sign-in form in a browser on profile, closes
// the browser cleanly and returns the session cookie's value. The browser
// is the full one `coupatui login` shows (headless here); workers may run
// the headless shell, which gets the session from the pool.
func signIn(t *testing.T, profile string, srv *sim.Server, po string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	b, tab := openTab(t, ctx, browser.Options{ExecPath: testkit.LoginChromium(t), Headless: true,
		ProfileDir: profile, StartTimeout: time.Minute})
	poURL := srv.URL() + "/order_headers/" + po
	resp, err := tab.Navigate(ctx, poURL)
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(resp.URL); u == nil || u.Path != srv.SignInPath() {
		t.Fatalf("before signing in the PO page led to %s, want the sign-in wall", resp.URL)
	}
	landed, token := testkit.SimSignInPage(t, ctx, tab, srv.URL())
	if !strings.HasSuffix(landed, "/order_headers/"+po) {
		t.Fatalf("signing in led to %s", landed)
	}
	closeCleanly(t, b, tab)
	return token
}

// openTab launches a browser with opts and opens a tab in it. The test's
// cleanup closes the browser if the caller has not.
func openTab(t *testing.T, ctx context.Context, opts browser.Options) (*browser.Browser, *browser.Tab) {
	t.Helper()
	b, err := browser.Launch(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	tab, err := b.NewTab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return b, tab
}

// closeCleanly closes tab and then its browser, which must exit cleanly:
// what the browser wrote to its profile is what the next one reads.
func closeCleanly(t *testing.T, b *browser.Browser, tab *browser.Tab) {
	t.Helper()
	tab.Close()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

// newProfiles makes a profile manager under tmp with its base profile.
func newProfiles(t *testing.T, tmp string) *profiles.Manager {
	t.Helper()
	m, err := profiles.New(profiles.Options{Base: filepath.Join(tmp, "base"), ClonesDir: filepath.Join(tmp, "clones")})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.EnsureBase(); err != nil {
		t.Fatal(err)
	}
	return m
}

// profileEngine is a Chromium engine on clones of m's signed-in base
// profile, working against srv with downloads under root.
func profileEngine(exec string, srv *sim.Server, root string, m *profiles.Manager, log *slog.Logger) *pool.Chromium {
	return &pool.Chromium{
		Site:        &coupa.Site{BaseURL: srv.URL(), Root: root, Logger: log},
		Browser:     browser.Options{ExecPath: exec, Headless: true, BlockResources: true, StartTimeout: time.Minute},
		Profiles:    m,
		NameWorkers: true,
		Logger:      log,
	}
}

func TestRealSignedInClonesAndSessionExpiry(t *testing.T) {
	exec := testkit.Chromium(t)
	pos := simplePOs(12, 500)
	srv := sim.Start(t, sim.Options{SignIn: true, SessionCookie: true, POs: pos, Latency: 200 * time.Millisecond})
	tmp := t.TempDir()
	m := newProfiles(t, tmp)
	tokens := []string{signIn(t, m.Base(), srv, pos[0].ID)}

	var logs testkit.Buffer
	log := logs.Logger()
	engine := profileEngine(exec, srv, filepath.Join(tmp, "downloads"), m, log)
	p, sub := startSubscribed(t, testConfig(3), pool.Deps{Engine: engine, Logger: log})

	clones, _ := os.ReadDir(m.ClonesDir())
	if len(clones) != 3 {
		t.Fatalf("%d clones for 3 workers", len(clones))
	}
	for _, c := range clones {
		if fi, err := os.Stat(filepath.Join(m.ClonesDir(), c.Name())); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("clone %s: mode %v (%v), want 0700", c.Name(), fi.Mode().Perm(), err)
		}
	}

	first := waitAll(t, submitPOs(t, p, pos[:6]), 3*time.Minute)
	workers := map[int]bool{}
	for _, ti := range first {
		if ti.Result.Status != vocab.Completed || ti.Result.Downloaded != 1 {
			t.Fatalf("protected PO%s: %s %d/%d (%v)", ti.PO, ti.Result.Status, ti.Result.Downloaded, ti.Result.Found, ti.Result.Err)
		}
	}
	for _, w := range p.Snapshot().Workers {
		if w.TasksDone > 0 {
			workers[w.ID] = true
		}
	}
	t.Logf("%d of 3 signed-in workers fetched protected POs", len(workers))

	// The session expires mid-run: the pool pauses, nothing fails.
	srv.InvalidateSessions()
	rest := submitPOs(t, p, pos[6:])
	waitEvent(t, sub, pool.EvSignInRequired, 2*time.Minute)
	testkit.WaitFor(t, "running tasks to return to the queue", time.Minute, func() bool { return p.Snapshot().Counts.Running == 0 })
	s := p.Snapshot()
	if s.State != pool.PoolSignInRequired || s.Counts.Done != 6 {
		t.Fatalf("after the session expired: %s with %d done (%v)", s.State, s.Counts.Done, s.Counts.ByStatus)
	}

	// The operator signs in again; the pool re-clones and resumes.
	tokens = append(tokens, signIn(t, m.Base(), srv, pos[0].ID))
	if err := p.Reauthenticate(); err != nil {
		t.Fatal(err)
	}
	for _, ti := range waitAll(t, rest, 3*time.Minute) {
		if ti.Result.Status != vocab.Completed {
			t.Errorf("PO%s after signing in again: %s (%v)", ti.PO, ti.Result.Status, ti.Result.Err)
		}
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(m.ClonesDir()); len(left) != 0 {
		t.Errorf("%d clones left after shutdown", len(left))
	}
	all := logs.String()
	if !strings.Contains(all, "PO processed") {
		t.Fatal("the log captured nothing; this test would prove nothing")
	}
	for _, tok := range tokens {
		if strings.Contains(all, tok) {
			t.Errorf("a session cookie value appears in the log")
		}
	}
}

func waitEvent(t *testing.T, sub *pool.Subscription, kind pool.EventKind, within time.Duration) pool.Event {
	t.Helper()
	timer := time.NewTimer(within)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-sub.C():
			if !ok {
				t.Fatalf("the pool stopped before %s", kind)
			}
			if ev.Kind == kind {
				return ev
			}
		case <-timer.C:
			t.Fatalf("no %s event within %s", kind, within)
		}
	}
}
