package browser

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"coupatui/internal/diskfull"
)

// errIdle ends a download that stopped receiving bytes.
var errIdle = errors.New("no data received")

func newTransport(parallel int) *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   parallel,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// viaHTTP downloads link i with net/http. fallback reports that the answer
// was an HTML page where a file was expected: the browser must do it.
func (d *downloader) viaHTTP(ctx context.Context, i int, u *url.URL) (r FileResult, fallback bool) {
	client, err := d.client(ctx, u)
	if err != nil {
		return FileResult{Err: err}, false
	}
	var last error
	for attempt := 0; attempt <= d.opts.Retries; attempt++ {
		if attempt > 0 {
			if err := d.backoff(ctx, attempt, last); err != nil {
				return FileResult{Err: fmt.Errorf("%w (after: %w)", err, last)}, false
			}
			d.log.Debug("retrying download", "index", i, "attempt", attempt+1, "err", last)
		}
		r, fallback, err := d.httpAttempt(ctx, client, i, u)
		if fallback {
			return FileResult{}, true
		}
		if err == nil {
			return r, false
		}
		r.Err = err
		if !isRetryable(err) || ctx.Err() != nil || attempt == d.opts.Retries {
			return r, false
		}
		last = err
	}
	return FileResult{Err: last}, false // not reached: the last attempt returns above
}

// client is a per-download HTTP client whose jar holds only the browser's
// cookies for the link, and only when the link is on the Coupa origin.
func (d *downloader) client(ctx context.Context, u *url.URL) (*http.Client, error) {
	jar := &originJar{}
	if d.origin != nil && sameOrigin(u, d.origin) {
		cookies, err := d.tab.Cookies(ctx, u.String())
		if err != nil {
			return nil, fmt.Errorf("browser cookies: %w", err)
		}
		jar.origin, jar.cookies = d.origin, cookies
	}
	return &http.Client{
		Transport: d.transport,
		Jar:       jar,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			if !sameOrigin(req.URL, via[0].URL) {
				// The jar adds nothing for another origin; make sure no
				// header copied from the first request does either.
				req.Header.Del("Cookie")
				req.Header.Del("Authorization")
				req.Header.Del("Referer")
			}
			return nil
		},
	}, nil
}

// prepare sets the headers every download request carries.
func (d *downloader) prepare(req *http.Request) {
	for k, v := range d.tab.b.opts.Headers {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	req.Header.Set("User-Agent", d.tab.UserAgent())
	req.Header.Set("Accept", "*/*")
}

// httpAttempt makes one GET of link i, once the site's gate lets it (an
// early request passed the gate already).
func (d *downloader) httpAttempt(ctx context.Context, client *http.Client, i int, u *url.URL) (FileResult, bool, error) {
	if !d.opts.Prefetched.has(u.String()) {
		if err := d.tab.b.opts.Gate.Wait(ctx); err != nil {
			return FileResult{}, false, err
		}
	}
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return FileResult{}, false, fmt.Errorf("request %s: %w", redactURL(u.String()), err)
	}
	d.prepare(req)
	resp, err := d.do(client, req)
	if err != nil {
		if ctx.Err() != nil {
			return FileResult{}, false, ctx.Err()
		}
		if malformedResponse(err) {
			// Headers Go refuses (control characters in a file name) that
			// a browser still takes: let the browser download it.
			d.log.Debug("response not readable by net/http", "url", redactURL(u.String()), "err", redactErr(err))
			return FileResult{}, true, nil
		}
		return FileResult{}, false, retryable(redactErr(err))
	}
	defer resp.Body.Close()
	final := resp.Request.URL
	if d.opts.IsSignIn != nil && d.opts.IsSignIn(final) {
		return FileResult{}, false, fmt.Errorf("GET %s: %w (%s)", redactURL(u.String()), ErrSignInWall, redactURL(final.String()))
	}
	switch {
	case throttled(resp.StatusCode):
		return FileResult{}, false, retryable(errThrottled{
			err:   fmt.Errorf("GET %s: %s", redactURL(u.String()), resp.Status),
			after: d.tab.b.opts.Gate.throttle(resp.StatusCode, resp.Header.Get("Retry-After"), u.String()),
		})
	case resp.StatusCode >= 500, resp.StatusCode == http.StatusRequestTimeout:
		return FileResult{}, false, retryable(fmt.Errorf("GET %s: %s", redactURL(u.String()), resp.Status))
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return FileResult{}, false, fmt.Errorf("GET %s: %s", redactURL(u.String()), resp.Status)
	}
	disposition := resp.Header.Get("Content-Disposition")
	if isHTML(resp.Header.Get("Content-Type")) && !isAttachment(disposition) {
		return FileResult{}, true, nil
	}
	name, err := d.names.claim(ctx, i, chooseName(disposition, "", final.String(), resp.Header.Get("Content-Type"), i))
	if err != nil {
		return FileResult{}, false, err
	}
	r := FileResult{Name: name, Via: "http"}
	want := resp.ContentLength
	if want > 0 && d.folder.completeSize(name) == want {
		if sum, err := d.folder.hash(name); err == nil {
			r.Size, r.Via, r.SHA256 = want, "existing", sum
			return r, false, nil
		}
	}
	if limit := d.opts.MaxBytes; limit > 0 && want > limit {
		return r, false, tooLarge("", want, limit, "announced") // r.Name names it
	}
	r.Size, r.SHA256, err = d.save(rctx, cancel, d.meter(i, name, want, resp.Body), name, want)
	if err != nil {
		if ctx.Err() != nil {
			return r, false, ctx.Err()
		}
		return r, false, fmt.Errorf("GET %s → %s: %w", redactURL(u.String()), name, err)
	}
	return r, false, nil
}

// save streams body to name's temp file, checks its length against want
// (-1: unknown) and commits it, and returns its size and sha256. The temp
// file is removed on any failure. A write that finds the disk full is not
// retried: the error wraps the system's, for the pool to hold until space
// is freed.
func (d *downloader) save(ctx context.Context, cancel context.CancelCauseFunc, body io.Reader, name string, want int64) (int64, string, error) {
	file, err := d.folder.create(name)
	if err != nil {
		return 0, "", err
	}
	committed := false
	defer func() {
		if !committed {
			file.Close()
			d.folder.remove(partName(name))
		}
	}()
	watchdog := time.AfterFunc(d.opts.IdleTimeout, func() { cancel(errIdle) })
	defer watchdog.Stop()
	var src io.Reader = &idleReader{r: body, timer: watchdog, idle: d.opts.IdleTimeout}
	limit := d.opts.MaxBytes
	if limit > 0 {
		src = io.LimitReader(src, limit+1) // one byte over tells it is too large
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(file, h), src)
	switch {
	case diskfull.Is(err):
		return n, "", fmt.Errorf("after %d bytes: %w", n, err)
	case err == nil && limit > 0 && n > limit:
		return n, "", tooLarge("", n, limit, "received")
	case err != nil && context.Cause(ctx) == errIdle:
		return n, "", retryable(fmt.Errorf("%w for %s after %d bytes", errIdle, d.opts.IdleTimeout, n))
	case err != nil && ctx.Err() != nil:
		return n, "", ctx.Err()
	case err != nil:
		return n, "", retryable(fmt.Errorf("cut short after %d bytes: %w", n, err))
	case want >= 0 && n != want:
		return n, "", retryable(fmt.Errorf("cut short: %d of %d bytes: %w", n, want, io.ErrUnexpectedEOF))
	case n == 0:
		return 0, "", errors.New("empty file")
	}
	if err := d.folder.commit(file, name); err != nil {
		return n, "", err
	}
	committed = true
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// tooLarge is the error of a file over the size limit: got bytes were
// announced or received so far. name ("" to leave it out) is the file's.
func tooLarge(name string, got, limit int64, how string) error {
	err := fmt.Errorf("%w: %s %s, the limit is %s", ErrTooLarge, megabytes(got), how, megabytes(limit))
	if name == "" {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// megabytes writes a size in MB, as the limit is set.
func megabytes(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// idleReader re-arms the idle watchdog whenever bytes arrive.
type idleReader struct {
	r     io.Reader
	timer *time.Timer
	idle  time.Duration
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.timer.Reset(r.idle)
	}
	return n, err
}

// malformedResponse reports a response net/http could not parse.
func malformedResponse(err error) bool {
	var pe textproto.ProtocolError
	return errors.As(err, &pe) || strings.Contains(err.Error(), "malformed MIME header")
}

func isHTML(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

func isAttachment(disposition string) bool {
	kind, _, _ := strings.Cut(disposition, ";")
	return strings.EqualFold(strings.TrimSpace(kind), "attachment") || DispositionName(disposition) != ""
}

// sameOrigin compares scheme, host and port (default ports made explicit).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		effectivePort(a) == effectivePort(b)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// originJar serves the browser's cookies to requests on one origin and to
// nothing else; cookies set by responses on that origin are kept for the
// rest of the download (a redirect that refreshes the session).
type originJar struct {
	mu      sync.Mutex // guards cookies
	origin  *url.URL   // nil: serve nothing
	cookies []*http.Cookie
}

func (j *originJar) Cookies(u *url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.origin == nil || !sameOrigin(u, j.origin) {
		return nil
	}
	var out []*http.Cookie
	for _, c := range j.cookies {
		if c.Secure && u.Scheme != "https" {
			continue
		}
		if c.Path != "" && !pathMatch(u.EscapedPath(), c.Path) {
			continue
		}
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	return out
}

func (j *originJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.origin == nil || !sameOrigin(u, j.origin) {
		return
	}
	for _, c := range cookies {
		path := c.Path
		if path == "" {
			path = "/"
		}
		replaced := false
		for k, old := range j.cookies {
			if old.Name == c.Name && old.Path == path {
				if c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
					j.cookies = append(j.cookies[:k], j.cookies[k+1:]...)
				} else {
					j.cookies[k] = &http.Cookie{Name: c.Name, Value: c.Value, Path: path, Secure: c.Secure}
				}
				replaced = true
				break
			}
		}
		if !replaced && c.MaxAge >= 0 {
			j.cookies = append(j.cookies, &http.Cookie{Name: c.Name, Value: c.Value, Path: path, Secure: c.Secure})
		}
	}
}

// pathMatch is RFC 6265 §5.1.4 path-match.
func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == "" {
		reqPath = "/"
	}
	if reqPath == cookiePath {
		return true
	}
	if strings.HasPrefix(reqPath, cookiePath) {
		return strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
	}
	return false
}
