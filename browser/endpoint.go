package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// RemoteHost is what may be shown of a remote browser's address: its host
// and port, never its user info, path or query (tokens travel there).
func RemoteHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(remote browser)"
	}
	return u.Host
}

// urlInText finds URLs in a message, to redact them.
var urlInText = regexp.MustCompile(`(?i)\b(wss?|https?)://[^\s"'<>]+`)

// ScrubURLs replaces every URL in s by its redacted form (no user info,
// no query, no fragment): errors of the websocket and HTTP libraries quote
// the address they dialled, token included. Punctuation that ends the
// sentence around a URL ("dial ws://h/?token=x: refused") stays.
func ScrubURLs(s string) string {
	return urlInText.ReplaceAllStringFunc(s, func(u string) string {
		end := len(strings.TrimRight(u, ".,;:)]}"))
		return redactURL(u[:end]) + u[end:]
	})
}

// scrubbedError shows its cause's message without URL secrets and still
// unwraps to it, so errors.Is and errors.As keep working.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrubErr wraps err as "prefix: <err without URL secrets>".
func scrubErr(prefix string, err error) error {
	return &scrubbedError{msg: prefix + ": " + ScrubURLs(err.Error()), err: err}
}

// resolveTimeout bounds the /json/version request of an http:// endpoint.
const resolveTimeout = 10 * time.Second

// resolveRemote turns an endpoint address into the websocket URL to dial.
// A ws:// or wss:// URL is dialled as given (a service such as browserless
// takes its token in the query, which /json/version would lose). An
// http(s)://host:port address is asked for its /json/version, which a
// Chromium host answers with a new browser id after each restart; the
// answer's host (the address Chromium bound, often 127.0.0.1) is replaced
// by the one we reached it at, and our query (a token) is kept.
func resolveRemote(ctx context.Context, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("remote browser address %s: %w", redactURL(raw), err)
	}
	switch u.Scheme {
	case "ws", "wss":
		return raw, nil
	case "http", "https":
	default:
		return "", fmt.Errorf("remote browser address %s: want ws://, wss:// or http(s)://host:port", redactURL(raw))
	}
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	v := *u
	v.Path = strings.TrimRight(v.Path, "/") + "/json/version"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.String(), nil)
	if err != nil {
		return "", fmt.Errorf("remote browser %s: %w", RemoteHost(raw), err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", scrubErr("remote browser "+RemoteHost(raw)+": /json/version", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("remote browser %s: /json/version answered %s", RemoteHost(raw), resp.Status)
	}
	var version struct {
		WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&version); err != nil || version.WebSocketDebuggerURL == "" {
		return "", errors.Join(fmt.Errorf("remote browser %s: /json/version named no webSocketDebuggerUrl", RemoteHost(raw)), err)
	}
	ws, err := url.Parse(version.WebSocketDebuggerURL)
	if err != nil {
		return "", fmt.Errorf("remote browser %s: /json/version: %w", RemoteHost(raw), err)
	}
	ws.Scheme = "ws"
	if u.Scheme == "https" {
		ws.Scheme = "wss"
	}
	if host, _, err := net.SplitHostPort(u.Host); err == nil && host != "" {
		ws.Host = u.Host
	}
	if u.RawQuery != "" {
		ws.RawQuery = u.RawQuery
	}
	return ws.String(), nil
}
