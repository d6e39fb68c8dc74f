package coupa_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"coupatui/browser"
	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/vocab"
)

// signIn posts the sim's sign-in form from a tab of b, as the operator
// would, and returns the session token the browser now holds.
func signIn(t *testing.T, b *browser.Browser, srv *sim.Server) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tab, err := b.NewTab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	if _, err := tab.Navigate(ctx, srv.URL()+srv.SignInPath()); err != nil {
		t.Fatal(err)
	}
	_, token := testkit.SimSignInPage(t, ctx, tab, srv.URL())
	return token
}

func TestSignInWallSessionAndSecrets(t *testing.T) {
	var logs testkit.Buffer
	logger := logs.Logger()
	opts := workerOptions(t.TempDir())
	opts.ExecPath = testkit.Chromium(t)
	opts.Logger = logger
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := browser.Launch(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	srv := sim.Start(t, sim.Options{Seed: 11, SignIn: true, Logger: logger, POs: []sim.PO{
		{ID: "4500000901", Supplier: "Secure Co", Want: vocab.Completed, Attachments: []sim.Attachment{
			att("a.pdf", 5000, sim.ShapeAttachmentLink), att("b.pdf", 6000, sim.ShapeButton),
			att("c.pdf", 7000, sim.ShapeScriptRedirect), att("d.pdf", 8000, sim.ShapeDownloadLink)}},
		{ID: "4500000902", Want: vocab.Completed, Attachments: []sim.Attachment{att("e.pdf", 5000, sim.ShapeAttachmentLink)}},
	}})
	s := newSite(t, srv)
	s.Logger = logger

	// Not signed in: the wall, never PO_NOT_FOUND.
	res := s.Process(ctx, b, coupa.Job{PO: "4500000901"}, nil)
	if res.Status != vocab.Pending || !errors.Is(res.Err, coupa.ErrSignInRequired) || res.Folder != "" {
		t.Fatalf("behind the wall: %v folder %q", res, res.Folder)
	}
	if err := s.CheckSession(ctx, b); !errors.Is(err, coupa.ErrSignInRequired) {
		t.Errorf("CheckSession before sign-in: %v", err)
	}

	token := signIn(t, b, srv)
	if err := s.CheckSession(ctx, b); err != nil {
		t.Errorf("CheckSession after sign-in: %v", err)
	}
	res = s.Process(ctx, b, coupa.Job{PO: "4500000901"}, nil)
	if res.Status != vocab.Completed {
		t.Fatalf("signed in: %v", res)
	}
	assertFiles(t, srv, res)

	// The session expires mid-run.
	srv.InvalidateSessions()
	res2 := s.Process(ctx, b, coupa.Job{PO: "4500000902"}, nil)
	if res2.Status != vocab.Pending || !errors.Is(res2.Err, coupa.ErrSignInRequired) {
		t.Errorf("expired session: %v", res2)
	}

	out := logs.String()
	if !strings.Contains(out, "downloaded") || !strings.Contains(out, "PO processed") {
		t.Fatalf("the run logged too little to prove anything:\n%s", out)
	}
	if strings.Contains(out, token) {
		t.Errorf("the session token appears in the logs")
	}
	for _, r := range []coupa.Result{res, res2} {
		if strings.Contains(fmt.Sprint(r), token) {
			t.Errorf("the session token appears in a result")
		}
	}

	// The operator closes the browser while `coupatui login` waits.
	site := newWalledSite(t)
	login := &coupa.Site{BaseURL: site.URL, Root: t.TempDir()}
	errc := make(chan error, 1)
	go func() { errc <- login.WaitSignedIn(ctx, b) }()
	testkit.WaitFor(t, "the sign-in page to load", 20*time.Second, func() bool { return site.hits() >= 1 })
	b.Kill()
	select {
	case err := <-errc:
		if !errors.Is(err, coupa.ErrWindowClosed) {
			t.Errorf("window closed: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("WaitSignedIn did not notice the window closing")
	}
}

func TestCheckSessionWithoutWall(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 12})
	s := newSite(t, srv)
	if err := s.CheckSession(context.Background(), shared); err != nil {
		t.Errorf("CheckSession on an open site: %v", err)
	}
	s.BaseURL = "http://127.0.0.1:1"
	if err := s.CheckSession(context.Background(), shared); err == nil || errors.Is(err, coupa.ErrSignInRequired) {
		t.Errorf("CheckSession on a dead site: %v", err)
	}
}

// walledSite is a tiny site whose sign-in page keeps retrying "/" until
// the test lets it through, like an operator finishing an SSO dance.
type walledSite struct {
	*httptest.Server
	mu       sync.Mutex
	open     bool
	wallHits int
}

func newWalledSite(t *testing.T) *walledSite {
	w := &walledSite{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		open := w.open
		if r.URL.Path == "/sessions/new" {
			w.wallHits++
		}
		w.mu.Unlock()
		switch {
		case r.URL.Path == "/sessions/new":
			fmt.Fprint(rw, `<html><body><form><input id="user_password" type="password"></form>
<script>setTimeout(() => location.href = "/", 200)</script></body></html>`)
		case !open:
			http.Redirect(rw, r, "/sessions/new", http.StatusFound)
		default:
			fmt.Fprint(rw, `<html><body><h1>Home</h1></body></html>`)
		}
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *walledSite) hits() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.wallHits
}

func TestWaitSignedIn(t *testing.T) {
	shared := sharedBrowser.Get(t)
	site := newWalledSite(t)
	s := &coupa.Site{BaseURL: site.URL, Root: t.TempDir()}

	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if err := s.WaitSignedIn(ctx, shared); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("never signed in: %v", err)
	}

	errc := make(chan error, 1)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel2()
	go func() { errc <- s.WaitSignedIn(ctx2, shared) }()
	testkit.WaitFor(t, "the sign-in page to load twice", 20*time.Second, func() bool { return site.hits() >= 2 })
	site.mu.Lock()
	site.open = true
	site.mu.Unlock()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("after signing in: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("WaitSignedIn did not notice the sign-in")
	}
}
