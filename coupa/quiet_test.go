package coupa_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"coupatui/coupa"
	"coupatui/internal/testkit"
	"coupatui/vocab"
)

// A page with no attachment list at all (no marker, no empty text, nothing
// loading) is read by the quiet DOM, long before MarkerTimeout, and is
// UNRECOGNISED: nothing on it says the PO has no attachments. A tenant
// that hides the section on empty POs declares it.
func TestPageWithoutListIsUnrecognisedAfterTheQuietDOM(t *testing.T) {
	shared := sharedBrowser.Get(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/order_headers/1":
			fmt.Fprint(w, `<html><body><h1>Purchase Order #1</h1><p>Issued</p>
<script>setTimeout(() => document.body.insertAdjacentHTML("beforeend", "<p>late detail</p>"), 200)</script></body></html>`)
		case "/order_headers/2":
			fmt.Fprint(w, `<html><body><h1>Purchase Order #2</h1><div id="attachments" aria-busy="true">Loading…</div></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	var logs testkit.Buffer
	s := &coupa.Site{BaseURL: srv.URL, Root: t.TempDir(), PageTimeout: 10 * time.Second, MarkerTimeout: 15 * time.Second,
		Logger: logs.Logger()}
	start := time.Now()
	res := s.Process(testContext(t), shared, coupa.Job{PO: "1"}, nil)
	if res.Status != vocab.Unrecognised || !res.Retryable || !strings.Contains(res.ErrorMessage(), "no attachments section") {
		t.Fatalf("page without a list: %v (retryable %v)", res, res.Retryable)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v with MarkerTimeout 15 s", took)
	}
	// 200 ms of late DOM changes, then the 500 ms quiet window.
	if waited := waitedMS(t, logs.String(), "1"); waited > 2000 {
		t.Errorf("decided %d ms after the page was ready, want about 700 ms", waited)
	} else {
		t.Logf("decided %d ms after the page was ready", waited)
	}
	s.NoSectionMeansEmpty = true
	if res := s.Process(testContext(t), shared, coupa.Job{PO: "1"}, nil); res.Status != vocab.NoAttachments {
		t.Errorf("with no_section_means_empty: %v", res)
	}

	// A list that never finishes loading is bounded by MarkerTimeout.
	s.MarkerTimeout = 2 * time.Second
	res = s.Process(testContext(t), shared, coupa.Job{PO: "2"}, nil)
	if res.Status != vocab.Timeout || !res.Retryable {
		t.Errorf("list stuck loading: %v", res)
	}
}

// Statuses a page can answer with, beyond the simulator's.
func TestPageStatuses(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var code int
		fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/order_headers/"), &code)
		if code < 100 {
			http.NotFound(w, r) // /favicon.ico and the like
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		fmt.Fprintf(w, `<html><body><h1>HTTP %d</h1></body></html>`, code)
	}))
	defer srv.Close()
	s := &coupa.Site{BaseURL: srv.URL, Root: t.TempDir(), PageTimeout: 10 * time.Second}
	for _, tc := range []struct {
		code      int
		status    vocab.Status
		retryable bool
	}{
		{401, vocab.Pending, false},
		{403, vocab.NotFound, false},
		{410, vocab.NotFound, false},
		{429, vocab.Failed, true},
		{400, vocab.Failed, false},
		{502, vocab.Failed, true},
	} {
		res := s.Process(testContext(t), shared, coupa.Job{PO: fmt.Sprint(tc.code)}, nil)
		if res.Status != tc.status || res.Retryable != tc.retryable {
			t.Errorf("HTTP %d: %v retryable=%v, want %s retryable=%v", tc.code, res, res.Retryable, tc.status, tc.retryable)
		}
		if tc.status == vocab.Pending && !errors.Is(res.Err, coupa.ErrSignInRequired) {
			t.Errorf("HTTP 401: err %v", res.Err)
		}
	}
}
