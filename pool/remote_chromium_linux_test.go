package pool_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"

	"coupatui/browser"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/pool"
	"coupatui/vocab"
)

// hostToken stands for a secret in an endpoint's address: it must never
// reach a log line, an event or a snapshot.
const hostToken = "h0st-t0ken-5ecret"

// TestRealRemoteHostsMixedWithLocal runs 60 protected POs (sign-in and a
// session cookie) on 2 local workers and 2 × 2 slots of two Chromium hosts
// the test starts. The sign-in travels as the base profile's Coupa
// cookies (no other origin's); click-only files come home too. One host is
// killed mid-run: its workers go down with a reason, their POs are retried;
// started again on the same port 10 s later, it gets its workers back and
// the run completes with every file on our side.
func TestRealRemoteHostsMixedWithLocal(t *testing.T) {
	exe := testkit.Chromium(t)
	pos := simplePOs(60, 700)
	addClickOnlyItems(pos)
	srv := sim.Start(t, sim.Options{SignIn: true, SessionCookie: true, POs: pos, Latency: 2 * time.Second}) // slow enough that POs are left when the host comes back
	tmp := t.TempDir()
	m := newProfiles(t, tmp)
	other := plantForeignCookie(t, m.Base())
	session := signIn(t, m.Base(), srv, pos[0].ID)

	hosts := []*testkit.ChromiumHost{testkit.StartChromiumHost(t, exe), testkit.StartChromiumHost(t, exe)}
	var logs testkit.Buffer
	log := logs.Logger()
	root := filepath.Join(tmp, "downloads")
	engine := profileEngine(exe, srv, root, m, log)
	engine.Site.MarkerTimeout, engine.Browser.KeepTabs = 10*time.Second, 2
	cfg := testConfig(2)
	cfg.RestartBackoffMax = 2 * time.Second // reconnect soon after the host is back
	for _, h := range hosts {
		u := strings.Replace(h.URL(), "http://", "http://coupatui:"+hostToken+"@", 1)
		engine.Remotes = append(engine.Remotes, u)
		cfg.Endpoints = append(cfg.Endpoints, pool.Endpoint{Name: browser.RemoteHost(u), Slots: 2})
	}

	// What a remote context holds: the Coupa cookies, nothing else.
	cookies, err := engine.SessionCookies(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	checkRemoteCookies(t, hosts[0].URL(), cookies, srv.URL(), other)

	p, sub := startSubscribed(t, cfg, pool.Deps{Engine: engine, Logger: log})
	var down atomic.Bool
	var events sync.WaitGroup
	events.Go(func() { down.Store(sawWorkerEvent(t, sub, "down")) })
	s := p.Snapshot()
	if len(s.Workers) != 6 || len(s.Endpoints) != 2 || s.Endpoints[0].Health() != "up" || s.Endpoints[1].Health() != "up" {
		t.Fatalf("after start: %d workers, endpoints %+v", len(s.Workers), s.Endpoints)
	}
	if s.WorkerCount != 6 || s.LocalWorkers != 2 {
		t.Errorf("after start: %d workers alive, %d of them local; want 6 and 2", s.WorkerCount, s.LocalWorkers)
	}
	hs := submitPOs(t, p, pos)

	// Kill host 1 while its slots work.
	testkit.WaitFor(t, "host 1's slots to work", time.Minute, func() bool {
		s := p.Snapshot()
		return s.Counts.Done >= 4 && s.Endpoints[0].Busy > 0
	})
	hosts[0].Kill()
	killedAt := time.Now()
	// A worker between POs notices its lost browser when it next looks for
	// work, a moment after the connection count drops: wait for both.
	testkit.WaitFor(t, "host 1's workers to go down, each with its reason", 30*time.Second, func() bool {
		s := p.Snapshot()
		for _, w := range s.Workers {
			if w.Endpoint == 1 && w.LastError == "" {
				return false
			}
		}
		return s.Endpoints[0].Connected == 0
	})
	s = p.Snapshot()
	if s.Endpoints[0].LastError == "" || s.Endpoints[0].Health() != "down" || s.Endpoints[1].Health() != "up" {
		t.Errorf("after the kill: endpoints %+v", s.Endpoints)
	}
	for _, w := range s.Workers {
		if w.Endpoint == 1 && w.LastError == "" {
			t.Errorf("worker %d of the killed host shows no reason (%s)", w.ID, w.State)
		}
	}
	doneAtKill := map[int]int{}
	for _, w := range s.Workers {
		doneAtKill[w.ID] = w.TasksDone
	}
	time.Sleep(time.Until(killedAt.Add(10 * time.Second))) // the acceptance's "10 s later": a fixed outage, not a wait for a condition
	hosts[0].Restart()
	testkit.WaitFor(t, "host 1's workers to reconnect", time.Minute, func() bool {
		return p.Snapshot().Endpoints[0].Connected == 2
	})

	infos := waitAll(t, hs, 4*time.Minute)
	retried := 0
	for _, ti := range infos {
		want := len(posByID(pos, ti.PO).Attachments)
		if ti.Result.Status != vocab.Completed || ti.Result.Downloaded != want {
			t.Errorf("PO%s: %s %d/%d (%v)", ti.PO, ti.Result.Status, ti.Result.Downloaded, want, ti.Result.Err)
		}
		if ti.Attempts > 1 {
			retried++
		}
		for _, f := range ti.Result.Files {
			if fi, err := os.Stat(filepath.Join(ti.Result.Folder, f)); err != nil || fi.Size() == 0 {
				t.Errorf("PO%s: %s not on our side: %v", ti.PO, f, err)
			}
		}
	}
	tookAfter := 0
	for _, w := range p.Snapshot().Workers {
		if w.Endpoint == 1 && w.TasksDone > doneAtKill[w.ID] {
			tookAfter++
		}
	}
	t.Logf("%d POs retried after the kill; %d of host 1's workers took POs after its restart", retried, tookAfter)
	if tookAfter == 0 {
		t.Error("no worker of the restarted host took a PO")
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	events.Wait() // the subscription ends with the pool
	if !down.Load() {
		t.Error("no event said a remote worker was down")
	}
	checkRemoteLog(t, logs.String(), hostToken, session)
}

// checkRemoteLog fails unless log names a remote browser attached (else
// the test proved nothing) and holds none of the secrets.
func checkRemoteLog(t *testing.T, log string, secrets ...string) {
	t.Helper()
	if !strings.Contains(log, "remote browser attached") {
		t.Fatal("the log captured no remote browser; this test would prove nothing")
	}
	for _, secret := range secrets {
		if strings.Contains(log, secret) {
			t.Errorf("a secret (%.4s…) appears in the log", secret)
		}
	}
}

func posByID(pos []sim.PO, id string) sim.PO {
	for _, po := range pos {
		if po.ID == id {
			return po
		}
	}
	return sim.PO{}
}

// sawWorkerEvent reads sub until the pool stops and reports whether a
// worker event said what; no event may name the token.
func sawWorkerEvent(t *testing.T, sub *pool.Subscription, what string) bool {
	seen := false
	for _, reasons := range workerReasons(t, sub, hostToken) {
		for _, r := range reasons {
			seen = seen || strings.HasPrefix(r, pool.EvWorkerCrashed.String()+": ") && strings.Contains(r, what)
		}
	}
	return seen
}

// workerReasons reads sub until the pool stops and returns, per worker,
// its crash and restart events as "kind: reason"; no event may name token.
func workerReasons(t *testing.T, sub *pool.Subscription, token string) map[int][]string {
	out := map[int][]string{}
	for ev := range sub.C() {
		if ev.Worker != nil && (ev.Kind == pool.EvWorkerCrashed || ev.Kind == pool.EvWorkerRestarting) {
			out[ev.Worker.ID] = append(out[ev.Worker.ID], fmt.Sprintf("%s: %s", ev.Kind, ev.Reason))
		}
		if strings.Contains(ev.Reason, token) || ev.Worker != nil && strings.Contains(ev.Worker.LastError, token) {
			t.Errorf("an event shows the endpoint's token: %s", ev.Kind)
		}
	}
	return out
}

// addClickOnlyItems gives every third PO a role=button item: only a click
// downloads it.
func addClickOnlyItems(pos []sim.PO) {
	for i := range pos {
		if i%3 == 0 {
			pos[i].Attachments = append(pos[i].Attachments, sim.Attachment{Name: "signed.pdf", Size: 12 << 10, Shape: sim.ShapeButton})
		}
	}
}

// foreignCookie is a cookie of another site in the signed-in profile.
const foreignCookie = "other_site_secret"

// plantForeignCookie stores a lasting cookie of another origin (localhost,
// where the site is 127.0.0.1) in profile, and returns that origin.
func plantForeignCookie(t *testing.T, profile string) string {
	t.Helper()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: foreignCookie, Value: "x", Path: "/", MaxAge: 3600})
		w.Write([]byte("<p>other site</p>"))
	}))
	t.Cleanup(other.Close)
	origin := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	b, tab := openTab(t, ctx, browser.Options{ExecPath: testkit.LoginChromium(t), Headless: true,
		ProfileDir: profile, StartTimeout: time.Minute})
	if _, err := tab.Navigate(ctx, origin+"/"); err != nil {
		t.Fatal(err)
	}
	if c, err := tab.Cookies(ctx, origin+"/"); err != nil || len(c) != 1 {
		t.Fatalf("the other site's cookie: %v, %v", c, err)
	}
	closeCleanly(t, b, tab)
	return origin
}

// checkRemoteCookies: the cookies read from the profile are the site's
// session, and a context opened with them on host has it and nothing of
// the other origin.
func checkRemoteCookies(t *testing.T, host string, cookies []*network.CookieParam, site, other string) {
	t.Helper()
	names := map[string]bool{}
	for _, c := range cookies {
		names[c.Name] = true
	}
	if !names[testkit.SimSessionCookie] || names[foreignCookie] {
		t.Fatalf("cookies read from the profile: %v; want the session and nothing of %s", names, other)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	b, tab := openTab(t, ctx, browser.Options{Remote: host, Cookies: cookies, StartTimeout: time.Minute})
	defer b.Close()
	defer tab.Close()
	if c, err := tab.Cookies(ctx, other+"/"); err != nil || len(c) != 0 {
		t.Errorf("the remote context holds %d cookies of the other origin (%v)", len(c), err)
	}
	if c, err := tab.Cookies(ctx, site+"/"); err != nil || len(c) == 0 {
		t.Errorf("the remote context holds no cookie of the site (%v)", err)
	}
}

// browserlessToken is the token the browserless test's server wants.
const browserlessToken = "bl-t0ken-5ecret-4242"

// TestRealBrowserless runs 30 protected POs through a real browserless v2
// (npm, with this machine's Chromium) on loopback with a token, on its
// slots only (no local worker): the sign-in travels as cookies, the files
// come home, and the token shows nowhere. The endpoint has one slot more
// than browserless's CONCURRENT and no queue: that slot meets its 429
// ("too many sessions"), is down with the reason and reconnects with
// backoff while the others finish the run.
func TestRealBrowserless(t *testing.T) {
	exe := testkit.Chromium(t)
	bl := testkit.StartBrowserless(t, browserlessToken, 3, 0)
	pos := simplePOs(30, 900)
	addClickOnlyItems(pos)
	srv := sim.Start(t, sim.Options{SignIn: true, SessionCookie: true, POs: pos, Latency: 200 * time.Millisecond})
	tmp := t.TempDir()
	m := newProfiles(t, tmp)
	session := signIn(t, m.Base(), srv, pos[0].ID)
	var logs testkit.Buffer
	log := logs.Logger()
	engine := profileEngine(exe, srv, filepath.Join(tmp, "downloads"), m, log)
	engine.Site.MarkerTimeout, engine.Browser.KeepTabs = 10*time.Second, 2
	engine.NameWorkers, engine.Remotes = false, []string{bl.URL()}
	cfg := testConfig(0)
	cfg.MinWorkers = 0
	cfg.Endpoints = []pool.Endpoint{{Name: browser.RemoteHost(bl.URL()), Slots: 4}}
	cfg.RestartBackoff, cfg.RestartBackoffMax = 100*time.Millisecond, time.Second
	p, sub := startSubscribed(t, cfg, pool.Deps{Engine: engine, Logger: log})
	var events sync.WaitGroup
	var reasons map[int][]string
	events.Go(func() { reasons = workerReasons(t, sub, browserlessToken) })
	hs := submitPOs(t, p, pos)
	began := time.Now()
	for _, ti := range waitAll(t, hs, 3*time.Minute) {
		if want := len(posByID(pos, ti.PO).Attachments); ti.Result.Status != vocab.Completed || ti.Result.Downloaded != want {
			t.Errorf("PO%s: %s %d/%d (%v)", ti.PO, ti.Result.Status, ti.Result.Downloaded, want, ti.Result.Err)
		}
	}
	t.Logf("30 POs through browserless in %s", time.Since(began).Round(100*time.Millisecond))
	s := p.Snapshot()
	refused := 0
	for _, w := range s.Workers {
		if w.Endpoint != 1 || strings.Contains(w.LastError, browserlessToken) {
			t.Errorf("worker %d: endpoint %d, error %q", w.ID, w.Endpoint, w.LastError)
		}
		if strings.Contains(w.LastError, "429") {
			refused++
		}
	}
	if e := s.Endpoints[0]; refused != 1 || e.Connected != 3 || e.Health() != "degraded" || !strings.Contains(e.LastError, "429") {
		t.Errorf("%d workers refused with 429; endpoint %+v", refused, e)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	events.Wait()
	// The refused slot went down with the reason and tried again, waiting
	// longer each time.
	for id, rs := range reasons {
		var waits []time.Duration
		for _, r := range rs {
			if _, after, ok := strings.Cut(r, "reconnecting in "); ok {
				if d, err := time.ParseDuration(after); err == nil {
					waits = append(waits, d)
				}
			}
		}
		if len(waits) < 3 || waits[len(waits)-1] <= waits[0] || !strings.Contains(strings.Join(rs, "\n"), "429") {
			t.Errorf("worker %d did not go down on 429 and back off:\n%s", id, strings.Join(rs, "\n"))
			continue
		}
		t.Logf("worker %d: %d reconnections, waits %s … %s; first: %s", id, len(waits), waits[0], waits[len(waits)-1], rs[0])
	}
	if len(reasons) != 1 {
		t.Errorf("%d workers went down, want the one refused slot", len(reasons))
	}
	checkRemoteLog(t, logs.String(), browserlessToken, session)
}
