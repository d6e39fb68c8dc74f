package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNavigateReportsStatusAndFinalURL(t *testing.T) {
	fs := newFileServer(t)
	fs.handle("/missing", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `<h1>gone</h1>`)
	})
	fs.handle("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/landing?x=1", http.StatusFound)
	})
	fs.handle("/landing", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><h1 id="h">landed</h1><a id="go" href="#" onclick="document.title='clicked';return false">go</a></body></html>`)
	})
	tab := newTab(t)
	ctx := testCtx(t, 20*time.Second)

	resp, err := tab.Navigate(ctx, fs.URL+"/missing")
	if err != nil || resp.Status != 404 {
		t.Fatalf("404 page: %+v, %v", resp, err)
	}
	resp, err = tab.Navigate(ctx, fs.URL+"/moved")
	if err != nil || resp.Status != 200 || resp.URL != fs.URL+"/landing?x=1" {
		t.Fatalf("redirect: %+v, %v", resp, err)
	}
	if loc, err := tab.URL(ctx); err != nil || loc != fs.URL+"/landing?x=1" {
		t.Errorf("URL = %q, %v", loc, err)
	}
	var text string
	if err := tab.Evaluate(ctx, `document.getElementById("h").textContent`, &text); err != nil || text != "landed" {
		t.Errorf("evaluate = %q, %v", text, err)
	}
	var sum struct{ A, B int }
	if err := tab.Evaluate(ctx, `new Promise(r => setTimeout(() => r({A: 1, B: 2}), 10))`, &sum); err != nil || sum.A != 1 || sum.B != 2 {
		t.Errorf("awaited promise = %+v, %v", sum, err)
	}
	if err := tab.Evaluate(ctx, `undefined`, nil); err != nil {
		t.Errorf("evaluate to nothing: %v", err)
	}
	if err := tab.Evaluate(ctx, `(() => { throw new Error("boom") })()`, nil); err == nil {
		t.Error("a throwing script returned no error")
	}
	if err := tab.Click(ctx, "#go"); err != nil {
		t.Fatalf("click: %v", err)
	}
	if err := tab.Evaluate(ctx, `document.title`, &text); err != nil || text != "clicked" {
		t.Errorf("title after click = %q, %v", text, err)
	}
	if err := tab.Click(ctx, "#nope"); err == nil {
		t.Error("click on a missing element succeeded")
	}
	if _, err := tab.Navigate(ctx, "http://127.0.0.1:1/"); err == nil {
		t.Error("navigating to a closed port succeeded")
	}
}

func TestResourceBlocking(t *testing.T) {
	fs := newFileServer(t)
	assets := 0
	countAsset := func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		assets++
		fs.mu.Unlock()
		w.Write(content(1, 2048))
	}
	for _, p := range []string{"/a.png", "/b.woff2", "/c.mp4", "/d.jpg"} {
		fs.handle(p, countAsset)
	}
	fs.handle("/page", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><style>@font-face{font-family:F;src:url(/b.woff2)} body{font-family:F}</style></head>
<body>text<img src="/a.png"><video src="/c.mp4" poster="/d.jpg" preload="auto"></video></body></html>`)
	})
	tab := newTab(t)
	ctx := testCtx(t, 20*time.Second)
	if _, err := tab.Navigate(ctx, fs.URL+"/page"); err != nil {
		t.Fatal(err)
	}
	// document.fonts.ready settles once the font load failed.
	if err := tab.Evaluate(ctx, `document.fonts.ready.then(() => true)`, nil); err != nil {
		t.Fatal(err)
	}
	fs.mu.Lock()
	served := assets
	fs.mu.Unlock()
	if served != 0 {
		t.Errorf("%d heavy assets reached the server", served)
	}
	if tab.Blocked() < 2 {
		t.Errorf("blocked %d requests, want the image and the font at least", tab.Blocked())
	}
	if got := fs.workerHeaders("/page"); len(got) == 0 || got[0] != "w-test" {
		t.Errorf("page request carried worker header %q", got)
	}
}

func TestHungPageIsClosedAndTheBrowserStaysUsable(t *testing.T) {
	fs := newFileServer(t)
	fs.handle("/hang", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body>x<script>window.addEventListener("load", () => setTimeout(() => { for (;;) {} }, 0));</script></body></html>`)
	})
	fs.handle("/ok", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><h1>ok</h1></body></html>`)
	})
	b := shared.Get(t)
	ctx := testCtx(t, 30*time.Second)
	tab, err := b.NewTab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Navigate(ctx, fs.URL+"/hang"); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	err = tab.Evaluate(short, `1`, nil)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("evaluate on a hung page: %v, want a deadline", err)
	}
	start := time.Now()
	if err := tab.Close(); err != nil {
		t.Fatalf("closing the hung tab: %v", err)
	}
	t.Logf("hung tab closed in %v", time.Since(start))

	next, err := b.NewTab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	if _, err := next.Navigate(ctx, fs.URL+"/ok"); err != nil {
		t.Fatalf("the next tab: %v", err)
	}
	var h string
	if err := next.Evaluate(ctx, `document.querySelector("h1").textContent`, &h); err != nil || h != "ok" {
		t.Fatalf("the next tab reads %q, %v", h, err)
	}
	if err := b.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestTabOpsHonourCancellation(t *testing.T) {
	tab := newTab(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tab.Navigate(ctx, "about:blank"); !errors.Is(err, context.Canceled) {
		t.Errorf("navigate with a cancelled context: %v", err)
	}
	// The tab still works afterwards.
	if _, err := tab.Navigate(testCtx(t, 10*time.Second), "about:blank"); err != nil {
		t.Errorf("navigate after a cancelled one: %v", err)
	}
	if _, err := shared.Get(t).NewTab(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("new tab with a cancelled context: %v", err)
	}
}

func TestCookiesForURL(t *testing.T) {
	fs := newFileServer(t)
	fs.handle("/set", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sess", Value: "s3cr3t", Path: "/", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "scoped", Value: "v", Path: "/only/here"})
		fmt.Fprint(w, `<html><body>set</body></html>`)
	})
	tab := newTab(t)
	ctx := testCtx(t, 10*time.Second)
	if _, err := tab.Navigate(ctx, fs.URL+"/set"); err != nil {
		t.Fatal(err)
	}
	cookies, err := tab.Cookies(ctx, fs.URL+"/files/x")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, c := range cookies {
		names[c.Name] = c.Value
	}
	if names["sess"] != "s3cr3t" || names["scoped"] != "" {
		t.Errorf("cookies for /files/x: %v", names)
	}
	if !strings.Contains(tab.UserAgent(), "Chrome/") {
		t.Errorf("user agent %q", tab.UserAgent())
	}
}

func TestParkedTabIsReusedClosedOneIsNot(t *testing.T) {
	b := launchOwn(t, Options{})
	ctx := testCtx(t, 20*time.Second)
	first, err := b.Tab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Park(); err != nil {
		t.Fatal(err)
	}
	again, err := b.Tab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Fatalf("Tab after Park opened tab %s, want the parked %s", again.ID(), first.ID())
	}
	if err := again.Close(); err != nil {
		t.Fatal(err)
	}
	fresh, err := b.Tab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.ID() == first.ID() {
		t.Fatal("Tab after Close returned the closed tab")
	}
	if err := fresh.Park(); err != nil {
		t.Fatal(err)
	}
	// Closing the browser ends the parked tab too, and hands it out no more.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fresh.Evaluate(testCtx(t, 5*time.Second), "1", nil); err == nil {
		t.Error("the parked tab still answers after its browser closed")
	}
	if _, err := b.Tab(ctx); err == nil {
		t.Error("Tab after Close succeeded")
	}
}
