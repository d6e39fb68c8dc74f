package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"coupatui/internal/panics"
)

// tabCloseTimeout bounds closing a tab from the browser side; a tab that is
// still there after it makes the browser unhealthy.
const tabCloseTimeout = 5 * time.Second

// parkTimeout bounds resetting a tab to about:blank before it is kept.
const parkTimeout = 2 * time.Second

// Tab is one page of the browser, used by one task at a time. A task that
// ended cleanly parks its tab for the next one (setting a tab up costs
// ~0.4 s); one that timed out or was cancelled closes it, so a hung or
// cancelled page never poisons the next task. A Tab's methods must
// be called from one goroutine at a time, except Download's own workers and
// Close.
type Tab struct {
	b      *Browser
	ctx    context.Context // chromedp context of this tab; lives until Close
	cancel context.CancelFunc
	id     target.ID

	blockStop context.CancelFunc
	blockWG   sync.WaitGroup // the resource-blocking loop
	blocked   atomic.Int64   // requests failed by the blocking loop

	closeOnce sync.Once
	closeErr  error
}

// Response is the outcome of loading a page's main document.
type Response struct {
	URL      string // the final URL, after redirects
	Status   int    // HTTP status of the main document; 0 when unknown (about:, data:)
	MIMEType string
	// RetryAfter is the wait a 429 or 503 asked for (Retry-After, capped
	// at MaxPause); the browser's Gate is paused for it. 0 when none.
	RetryAfter time.Duration
}

// Tab returns a tab an earlier task parked, when one is still open (the
// most recently parked first), else a new tab.
func (b *Browser) Tab(ctx context.Context) (*Tab, error) {
	for {
		b.mu.Lock()
		var t *Tab
		if n := len(b.spares); n > 0 {
			t = b.spares[n-1]
			b.spares = b.spares[:n-1]
		}
		b.mu.Unlock()
		if t == nil {
			return b.NewTab(ctx)
		}
		select {
		case <-t.Gone():
			t.Close()
		default:
			return t, nil
		}
	}
}

func (b *Browser) keepTabs() int {
	return max(1, b.opts.KeepTabs)
}

// Park stops the tab's page (window.stop ends its pending requests, such
// as a long-poll) and keeps the tab for a next Tab call, unless
// Options.KeepTabs tabs are parked already. It
// does not navigate away: leaving a page for about:blank swaps renderer
// processes (~0.4 s here), while the next PO page, on the same site, reuses
// this one. A tab that does not answer in time is closed instead. Park only
// a tab whose task ended cleanly; after a timeout or a cancellation, Close it.
func (t *Tab) Park() error {
	ctx, cancel := context.WithTimeout(context.Background(), parkTimeout)
	defer cancel()
	if err := t.Evaluate(ctx, "window.stop()", nil); err != nil {
		t.Close()
		return err
	}
	b := t.b
	b.mu.Lock()
	if b.closing || len(b.spares) >= b.keepTabs() {
		b.mu.Unlock()
		return t.Close()
	}
	b.spares = append(b.spares, t)
	b.mu.Unlock()
	return nil
}

// NewTab opens a fresh tab (about:blank) with the browser's settings
// (resource blocking, user agent). ctx bounds the opening only.
func (b *Browser) NewTab(ctx context.Context) (*Tab, error) {
	return b.openTab(ctx, (*Tab).setup)
}

// openTab opens a tab and runs setup on it before handing it out.
func (b *Browser) openTab(ctx context.Context, setup func(*Tab) error) (*Tab, error) {
	select {
	case <-b.done:
		return nil, fmt.Errorf("new tab: %w", b.Err())
	default:
	}
	tctx, cancel := chromedp.NewContext(b.ctx)
	t := &Tab{b: b, ctx: tctx, cancel: sync.OnceFunc(cancel), blockStop: func() {}}
	// The tab lives as long as the context of its first run, so that run
	// uses tctx and ctx bounds it from outside.
	errc := make(chan error, 1)
	go func() {
		var err error
		defer func() { errc <- err }()
		defer panics.Catch(&err) // a panic here fails the tab, not the run
		err = setup(t)
	}()
	select {
	case err := <-errc:
		if err != nil {
			t.Close()
			return nil, fmt.Errorf("new tab: %w", err)
		}
		return t, nil
	case <-ctx.Done():
		t.cancel()
		<-errc
		t.Close()
		return nil, fmt.Errorf("new tab: %w", ctx.Err())
	}
}

func (t *Tab) setup() error {
	if err := chromedp.Do(t.ctx); err != nil {
		return err
	}
	t.id = chromedp.FromContext(t.ctx).Target.TargetID
	if ua := t.b.UserAgent(); ua != "" {
		if _, err := chromedp.Call(t.ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua}); err != nil {
			return fmt.Errorf("user agent: %w", err)
		}
	}
	if len(t.b.opts.Headers) > 0 {
		headers := network.Headers{}
		for k, v := range t.b.opts.Headers {
			headers[k] = strings.Join(v, ", ")
		}
		if _, err := chromedp.Call(t.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers}); err != nil {
			return fmt.Errorf("extra headers: %w", err)
		}
	}
	if t.b.opts.BlockResources {
		if err := t.startBlocking(); err != nil {
			return fmt.Errorf("resource blocking: %w", err)
		}
	}
	return nil
}

// Gone is closed when the browser detaches the tab: the page was closed
// (by Close, by the operator closing its window, or by a crash).
func (t *Tab) Gone() <-chan struct{} {
	ch, err := chromedp.Detached(t.ctx)
	if err != nil {
		closed := make(chan struct{})
		close(closed)
		return closed
	}
	return ch
}

// ID is the tab's target id (also the id of its main frame).
func (t *Tab) ID() string { return string(t.id) }

// Browser is the browser the tab belongs to.
func (t *Tab) Browser() *Browser { return t.b }

// Blocked counts the requests the resource blocking failed in this tab.
func (t *Tab) Blocked() int64 { return t.blocked.Load() }

// op derives a context that carries the tab (for chromedp) and ends with
// ctx (cancellation and deadline) or with the tab.
func (t *Tab) op(ctx context.Context) (context.Context, context.CancelFunc) {
	octx, cancel := context.WithCancelCause(t.ctx)
	stop := context.AfterFunc(ctx, func() { cancel(context.Cause(ctx)) })
	if d, ok := ctx.Deadline(); ok {
		dctx, dcancel := context.WithDeadline(octx, d)
		return dctx, func() { stop(); dcancel(); cancel(nil) }
	}
	return octx, func() { stop(); cancel(nil) }
}

// opErr names the caller's context error when it ended the operation, so
// callers can test errors.Is(err, context.DeadlineExceeded/Canceled).
func opErr(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%s: %w (%v)", what, cerr, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Navigate loads url in the tab and waits for its load event. It returns
// the final URL and the HTTP status of the main document. It does not wait
// on the browser's Gate (callers do, outside their page timeout), but a
// 429 or 503 with Retry-After pauses the gate. Errors show url without
// its query (see redactURL).
func (t *Tab) Navigate(ctx context.Context, url string) (Response, error) {
	octx, cancel := t.op(ctx)
	defer cancel()
	resp, err := chromedp.Run(octx, chromedp.NavigateResponse(url))
	if err != nil {
		return Response{}, opErr(ctx, "navigate to "+redactURL(url), err)
	}
	if resp == nil {
		loc, err := chromedp.Run(octx, chromedp.Location())
		if err != nil {
			return Response{}, opErr(ctx, "location after "+redactURL(url), err)
		}
		return Response{URL: loc}, nil
	}
	r := Response{URL: resp.URL, Status: int(resp.Status), MIMEType: resp.MimeType}
	r.RetryAfter = t.b.opts.Gate.throttle(r.Status, headerValue(resp.Headers, "Retry-After"), r.URL)
	return r, nil
}

// headerValue is the value of the named header of a DevTools response
// (whose names keep the server's case), "" when absent.
func headerValue(h network.Headers, name string) string {
	for k, v := range h {
		if s, ok := v.(string); ok && strings.EqualFold(k, name) {
			return s
		}
	}
	return ""
}

// URL is the tab's current location.
func (t *Tab) URL(ctx context.Context) (string, error) {
	octx, cancel := t.op(ctx)
	defer cancel()
	loc, err := chromedp.Run(octx, chromedp.Location())
	return loc, opErr(ctx, "read location", err)
}

// Evaluate runs a JavaScript expression in the page, awaits it when it is a
// promise, and decodes its JSON value into out (nil to ignore it).
func (t *Tab) Evaluate(ctx context.Context, expr string, out any) error {
	return t.evaluate(ctx, expr, out)
}

func (t *Tab) evaluate(ctx context.Context, expr string, out any, opts ...chromedp.EvaluateOption) error {
	octx, cancel := t.op(ctx)
	defer cancel()
	opts = append([]chromedp.EvaluateOption{chromedp.EvalAwaitPromise}, opts...)
	raw, err := chromedp.Run(octx, chromedp.Evaluate[[]byte](expr, opts...))
	if err != nil {
		return opErr(ctx, "evaluate", err)
	}
	if out == nil {
		return nil
	}
	if len(raw) == 0 {
		raw = []byte("null")
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("evaluate: decoding result: %w", err)
	}
	return nil
}

// clickJS finds the first element matching a selector in the page or in
// one of its same-origin frames, scrolls it into view and sends it the
// events of a mouse click (pointerdown, mousedown, pointerup, mouseup,
// click), so a handler bound to any of them runs. The events go to the
// element itself: a toolbar floating over it cannot take them.
const clickJS = `((sel) => {
  const find = (doc) => {
    const el = doc.querySelector(sel);
    if (el) return el;
    for (const f of doc.querySelectorAll("iframe, frame")) {
      let d = null;
      try { d = f.contentDocument; } catch (e) {}
      const found = d && find(d);
      if (found) return found;
    }
    return null;
  };
  const el = find(document);
  if (!el) return false;
  el.scrollIntoView({block: "center"});
  const win = el.ownerDocument.defaultView || window;
  const r = el.getBoundingClientRect();
  const at = {bubbles: true, cancelable: true, composed: true, view: win, button: 0,
    clientX: r.left + r.width / 2, clientY: r.top + r.height / 2};
  const Pointer = win.PointerEvent || win.MouseEvent;
  const pointer = {pointerId: 1, pointerType: "mouse", isPrimary: true};
  el.dispatchEvent(new Pointer("pointerdown", {...at, ...pointer, buttons: 1}));
  el.dispatchEvent(new win.MouseEvent("mousedown", {...at, buttons: 1}));
  el.dispatchEvent(new Pointer("pointerup", {...at, ...pointer}));
  el.dispatchEvent(new win.MouseEvent("mouseup", at));
  el.click();
  return true;
})(%s)`

// Click clicks the first element matching the CSS selector, in the page or
// in a same-origin frame: it scrolls it into view and sends it pointer and
// mouse events and a click, as a user gesture (so a window.open in its
// handler opens a popup instead of being blocked).
func (t *Tab) Click(ctx context.Context, selector string) error {
	sel, err := json.Marshal(selector)
	if err != nil {
		return err
	}
	var ok bool
	if err := t.evaluate(ctx, fmt.Sprintf(clickJS, sel), &ok, asUserGesture); err != nil {
		return fmt.Errorf("click %s: %w", selector, err)
	}
	if !ok {
		return fmt.Errorf("click %s: no such element", selector)
	}
	return nil
}

// asUserGesture runs an evaluation as if the user had acted.
func asUserGesture(p *runtime.EvaluateParams) { p.UserGesture = new(true) }

// Cookies returns the cookies the browser would send with a request to url
// (HttpOnly ones included). Never log their values.
func (t *Tab) Cookies(ctx context.Context, url string) ([]*http.Cookie, error) {
	octx, cancel := t.op(ctx)
	defer cancel()
	res, err := chromedp.Call(octx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		return nil, opErr(ctx, "cookies for "+redactURL(url), err)
	}
	cookies := make([]*http.Cookie, 0, len(res.Cookies))
	for _, c := range res.Cookies {
		hc := &http.Cookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path,
			Secure: c.Secure, HttpOnly: c.HTTPOnly}
		if c.Expires > 0 {
			hc.Expires = time.Unix(int64(c.Expires), 0)
		}
		cookies = append(cookies, hc)
	}
	return cookies, nil
}

// UserAgent is the user agent the tab's requests carry.
func (t *Tab) UserAgent() string { return t.b.UserAgent() }
