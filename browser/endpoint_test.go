package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// ScrubURLs takes every secret out of the URLs a library quotes in its
// errors (user info, query, fragment) and leaves the rest of the message.
func TestScrubURLs(t *testing.T) {
	const secret = "S3CRET"
	for _, tc := range []struct{ in, want string }{
		{`dial ws://10.0.0.5:3000/?token=S3CRET: connection refused`, `dial ws://10.0.0.5:3000/?…: connection refused`},
		{`Get "http://127.0.0.1:9222/json/version?token=S3CRET": dial tcp 127.0.0.1:9222: connect: connection refused`,
			`Get "http://127.0.0.1:9222/json/version?…": dial tcp 127.0.0.1:9222: connect: connection refused`},
		{`websocket: bad handshake (wss://chrome.example.com?token=S3CRET&timeout=600000)`, `websocket: bad handshake (wss://chrome.example.com?…)`},
		{`attach http://coupatui:S3CRET@host:9222/ failed`, `attach http://host:9222/ failed`},
		{`WS://HOST:1/devtools/browser/abc?TOKEN=S3CRET lost`, `ws://HOST:1/devtools/browser/abc?… lost`},
		{`https://host/p#S3CRET and ws://a:1/?token=S3CRET, twice`, `https://host/p and ws://a:1/?…, twice`},
		{`<ws://h:1/?token=S3CRET>`, `<ws://h:1/?…>`},
		{`'ws://h:1/?token=S3CRET'`, `'ws://h:1/?…'`},
		{`no address here: token=abc stays`, `no address here: token=abc stays`},
		{`ws://[::1:9222/?token=S3CRET`, `(unparsable URL)`},
		{``, ``},
	} {
		got := ScrubURLs(tc.in)
		if strings.Contains(got, secret) {
			t.Errorf("ScrubURLs(%q) = %q: the secret is left", tc.in, got)
		}
		if got != tc.want {
			t.Errorf("ScrubURLs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A scrubbed error still unwraps to its cause.
func TestScrubErrUnwraps(t *testing.T) {
	cause := fmt.Errorf("dial ws://h:1/?token=S3CRET: %w", context.DeadlineExceeded)
	err := scrubErr("attach to remote browser h:1", cause)
	if strings.Contains(err.Error(), "S3CRET") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("scrubErr = %q (is deadline: %v)", err, errors.Is(err, context.DeadlineExceeded))
	}
}

// An http://host:port endpoint with a token in its query (browserless
// wants it on every request) keeps the token on /json/version and on the
// websocket address it names; its errors never show it.
func TestResolveRemoteKeepsTheQuery(t *testing.T) {
	var asked string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.String()
		if r.URL.Query().Get("token") != "S3CRET" {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"webSocketDebuggerUrl": "ws://0.0.0.0:9222/devtools/browser/b1"}`)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, raw := range []string{srv.URL + "?token=S3CRET", srv.URL + "/?token=S3CRET"} {
		ws, err := resolveRemote(context.Background(), raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if want := "ws://" + host + "/devtools/browser/b1?token=S3CRET"; ws != want {
			t.Errorf("%s resolved to %s, want %s", raw, ws, want)
		}
		if asked != "/json/version?token=S3CRET" {
			t.Errorf("%s: asked %s", raw, asked)
		}
	}
	_, err := resolveRemote(context.Background(), srv.URL+"?token=WRONG-S3CRET")
	if err == nil || strings.Contains(err.Error(), "S3CRET") || !strings.Contains(err.Error(), host) {
		t.Errorf("wrong token: %v", err)
	}
	srv.Close()
	_, err = resolveRemote(context.Background(), srv.URL+"?token=S3CRET")
	if err == nil || strings.Contains(err.Error(), "S3CRET") || !strings.Contains(err.Error(), host) {
		t.Errorf("unreachable: %v", err)
	}
}
