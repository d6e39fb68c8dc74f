package browser

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// A 429 with Retry-After on a file is retried within the attempt after the
// wait it asked for, and pauses the site's gate (which every other request
// waits on); a 408 is retried too. Today both fail the file at once.
func TestDownloadRetriesThrottledFilesAfterRetryAfter(t *testing.T) {
	srv := newFileServer(t)
	gate := NewGate(0, nil)
	b := launchOwn(t, Options{Gate: gate})
	tab, err := b.NewTab(testCtx(t, 20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	links := []Link{
		{URL: srv.add("/f/429", &testFile{body: content(1, 5000), disposition: `attachment; filename="a.pdf"`, busyTimes: 1, busyAfter: "1"})},
		{URL: srv.add("/f/408", &testFile{body: content(2, 5000), disposition: `attachment; filename="b.pdf"`, busyTimes: 1, busyStatus: http.StatusRequestTimeout})},
	}
	opts := fastOpts(filepath.Join(t.TempDir(), "PO1__WORK"), srv.URL)
	opts.Parallel = 1
	results, err := tab.Download(testCtx(t, 30*time.Second), links, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Link.URL, r.Err)
		}
	}
	a, b408 := srv.times("/f/429"), srv.times("/f/408")
	if len(a) != 2 || len(b408) != 2 {
		t.Fatalf("requests: %d for the 429, %d for the 408; want one retry each", len(a), len(b408))
	}
	if a[1].Sub(a[0]) < time.Second {
		t.Errorf("retried %s after a 429 saying Retry-After: 1", a[1].Sub(a[0]))
	}
	if until := gate.PausedUntil(); until.Before(a[0].Add(time.Second)) {
		t.Errorf("the gate is paused until %s, want a second after the 429 (%s)", until, a[0])
	}
}

// A file over MaxBytes fails with ErrTooLarge, whether its size is
// announced (Content-Length) or only counted as it arrives; nothing of it
// is left and it is not fetched again.
func TestDownloadStopsFilesOverMaxBytes(t *testing.T) {
	srv := newFileServer(t)
	tab := newTab(t)
	links := []Link{
		{URL: srv.add("/f/small", &testFile{body: content(1, 50_000), disposition: `attachment; filename="small.pdf"`})},
		{URL: srv.add("/f/announced", &testFile{body: content(2, 300_000), disposition: `attachment; filename="announced.pdf"`})},
		{URL: srv.add("/f/counted", &testFile{body: content(3, 300_000), disposition: `attachment; filename="counted.pdf"`, noLength: true})},
	}
	dir := filepath.Join(t.TempDir(), "PO1__WORK")
	opts := fastOpts(dir, srv.URL)
	opts.MaxBytes = 100_000
	results, err := tab.Download(testCtx(t, 30*time.Second), links, opts)
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Err != nil {
		t.Errorf("small file: %v", results[0].Err)
	}
	for i, how := range map[int]string{1: "announced", 2: "received"} {
		r := results[i]
		if !errors.Is(r.Err, ErrTooLarge) || !strings.Contains(r.Err.Error(), how+", the limit is 0.1 MB") {
			t.Errorf("%s: %v, want ErrTooLarge saying %q and the limit", r.Name, r.Err, how)
		}
		if n := srv.count(strings.TrimPrefix(r.Link.URL, srv.URL)); n != 1 {
			t.Errorf("%s fetched %d times, want once", r.Name, n)
		}
	}
	if got := keys(folderFiles(t, dir)); strings.Join(got, ",") != "small.pdf" {
		t.Errorf("folder holds %q, want small.pdf alone", got)
	}
}

// Errors of Navigate and Cookies show a URL without its query: tokens
// travel there.
func TestTabErrorsHideTheURLQuery(t *testing.T) {
	tab := newTab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	secret := "http://127.0.0.1:1/order_headers/1?token=s3cr3t&sig=abc"
	_, err := tab.Navigate(ctx, secret)
	if err == nil {
		t.Fatal("navigating to a closed port succeeded")
	}
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	_, cerr := tab.Cookies(cctx, secret)
	for _, e := range []error{err, cerr} {
		if e == nil || strings.Contains(e.Error(), "s3cr3t") || strings.Contains(e.Error(), "sig=") ||
			!strings.Contains(e.Error(), "127.0.0.1:1/order_headers/1") {
			t.Errorf("error %v: want the URL without its query", e)
		}
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"5", 5 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{"3600", MaxPause, true}, // capped
		{"Sun, 01 Mar 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Sun, 01 Mar 2026 11:59:00 GMT", 0, true}, // past: go on
		{"Sun, 01 Mar 2026 14:00:00 GMT", MaxPause, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	} {
		got, ok := retryAfter(tc.v, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %s, %v; want %s, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

// The gate holds every waiter until a pause ends (spread a little after
// it, never before), lets at most its rate through, and gives way to a
// context that ends.
func TestGatePausesAndPaces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := NewGate(0, nil)
		start := time.Now()
		g.Pause(3*time.Second, "HTTP 429")
		g.Pause(time.Second, "HTTP 503") // a shorter one does not cut it
		var mu sync.Mutex
		var passed []time.Duration
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				if err := g.Wait(context.Background()); err != nil {
					t.Error(err)
				}
				mu.Lock()
				passed = append(passed, time.Since(start))
				mu.Unlock()
			})
		}
		wg.Wait()
		spread := map[time.Duration]bool{}
		for _, d := range passed {
			if d < 3*time.Second || d > 3*time.Second+pauseSpread {
				t.Errorf("a waiter passed at %s, want within [3s, 3s+%s]", d, pauseSpread)
			}
			spread[d] = true
		}
		if len(spread) < 2 {
			t.Errorf("every waiter passed at once (%v): want them spread", passed)
		}
		g.Pause(20*time.Minute, "HTTP 429")
		if left := time.Until(g.PausedUntil()); left > MaxPause {
			t.Errorf("a pause of %s, want at most %s", left, MaxPause)
		}

		paced := NewGate(2, nil)
		start = time.Now()
		for range 5 {
			if err := paced.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if d := time.Since(start); d != 2*time.Second {
			t.Errorf("5 requests at 2 a second took %s, want 2s", d)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		paced.Wait(context.Background())
		if err := paced.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("a turn after the deadline: %v, want DeadlineExceeded", err)
		}
		var nilGate *Gate
		if err := nilGate.Wait(context.Background()); err != nil {
			t.Error(err)
		}
	})
}
