package pool

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"

	"coupatui/browser"
	"coupatui/coupa"
	"coupatui/profiles"
)

// Chromium is the real Engine: each launch gives the worker a fresh clone
// of the signed-in base profile (or, without Profiles, a fresh empty profile)
// and starts a browser on it; closing the browser removes the clone.
type Chromium struct {
	Site       *coupa.Site
	Browser    browser.Options   // template; ProfileDir is set per launch
	Profiles   *profiles.Manager // nil: each browser gets an empty private profile
	TempRoot   string            // where empty profiles go without Profiles; "" = os.TempDir()
	KeepClones bool              // leave clones on disk when browsers close (profile_cleanup_on_shutdown = false)
	// NameWorkers sends a Coupatui-Worker header naming the worker with
	// every request, so the simulator can tell workers apart. Never set
	// against a real Coupa.
	NameWorkers bool
	Logger      *slog.Logger
	// Remotes are the addresses of Config.Endpoints, in the same order
	// (they may hold tokens: never logged). Each remote worker connects
	// with a browser context of its own, signed in with the cookies read
	// from the base profile (SessionCookies), not with a profile.
	Remotes []string

	cookiesMu sync.Mutex // guards cookies and cookiesOf
	cookies   []*network.CookieParam
	cookiesOf *cookieSource // the base profile's cookie file the cookies were read from; nil: none read
}

// cookieSource identifies one state of the base profile's cookie file: a
// new sign-in rewrites it.
type cookieSource struct {
	mod  time.Time
	size int64
}

// LaunchRemote implements RemoteEngine: worker's browser is a context of
// its own in the browser at Remotes[endpoint], signed in with the base
// profile's Coupa cookies before its first page.
func (c *Chromium) LaunchRemote(ctx context.Context, worker, endpoint int) (Browser, error) {
	if endpoint < 0 || endpoint >= len(c.Remotes) {
		return nil, fmt.Errorf("worker %d: no remote endpoint %d", worker, endpoint+1)
	}
	opts := c.Browser
	opts.Remote = c.Remotes[endpoint]
	cookies, err := c.SessionCookies(ctx)
	if err != nil {
		return nil, err
	}
	opts.Cookies = cookies
	c.name(&opts, worker)
	b, err := browser.Launch(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &chromiumBrowser{b: b, site: c.Site, release: func() error { return nil }}, nil
}

// SessionCookies are the cookies the Coupa site gets from the signed-in
// base profile, read by a short-lived local headless browser on a clone of
// it (so it works with no local worker) where its cookie store names the
// site (profiles.SiteCookies), and kept until the profile's
// cookie file changes (the operator signed in again). Without Profiles
// (the demo, tests) there are none.
func (c *Chromium) SessionCookies(ctx context.Context) ([]*network.CookieParam, error) {
	if c.Profiles == nil {
		return nil, nil
	}
	c.cookiesMu.Lock()
	defer c.cookiesMu.Unlock()
	fi, err := os.Stat(filepath.Join(c.Profiles.Base(), "Default", "Cookies"))
	if errors.Is(err, fs.ErrNotExist) {
		// Never signed in: the browser meets the sign-in wall, which says
		// so (exit 3) at its first page.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the signed-in profile %s: its cookies: %w", c.Profiles.Base(), err)
	}
	src := cookieSource{fi.ModTime(), fi.Size()}
	if c.cookiesOf != nil && src == *c.cookiesOf {
		return c.cookies, nil // none is an answer too: read once
	}
	var cookies []*network.CookieParam
	if held, _ := c.Profiles.SiteCookies(c.siteHost()); held {
		if cookies, err = c.readCookies(ctx); err != nil {
			return nil, err
		}
	}
	c.cookies, c.cookiesOf = cookies, &src
	if c.Logger != nil {
		c.Logger.Info("session cookies read from the signed-in profile", "count", len(cookies)) // never their values
	}
	return cookies, nil
}

// readCookies clones the base profile, asks a local headless browser on
// the clone for its cookies and keeps the site's.
func (c *Chromium) readCookies(ctx context.Context) ([]*network.CookieParam, error) {
	clone, err := c.Profiles.Clone(ctx, 0)
	if err != nil {
		return nil, err
	}
	defer clone.Remove()
	opts := c.Browser
	opts.Remote, opts.Cookies, opts.ProfileDir = "", nil, clone.Dir
	// Not a headless shell, which would drop the cookies it is to read.
	if exe, err := browser.FindExec(opts.ExecPath, true); err == nil {
		if full := browser.SessionReader(exe); full != "" {
			opts.ExecPath = full
		}
	}
	opts.Flags = append(append([]string(nil), opts.Flags...), profiles.CloneFlags()...)
	if c.Logger != nil {
		opts.Logger = c.Logger.With("worker", "cookies")
	}
	return browser.SessionCookies(ctx, opts, c.Site.BaseURL)
}

// name gives the browser of worker its logger and, for the simulator, the
// header that names it.
func (c *Chromium) name(opts *browser.Options, worker int) {
	if c.NameWorkers {
		opts.Headers = opts.Headers.Clone()
		if opts.Headers == nil {
			opts.Headers = http.Header{}
		}
		opts.Headers.Set("Coupatui-Worker", strconv.Itoa(worker))
	}
	if c.Logger != nil {
		opts.Logger = c.Logger.With("worker", worker)
	}
}

// Launch implements Engine.
func (c *Chromium) Launch(ctx context.Context, worker int) (Browser, error) {
	opts := c.Browser
	var release func() error
	opts.Remote = "" // a local browser; remote ones come from LaunchRemote
	switch {
	case c.Profiles != nil:
		clone, err := c.Profiles.Clone(ctx, worker)
		if err != nil {
			return nil, err
		}
		opts.ProfileDir = clone.Dir
		opts.Flags = append(append([]string(nil), opts.Flags...), profiles.CloneFlags()...)
		release = clone.Remove
	default:
		dir, err := os.MkdirTemp(c.TempRoot, fmt.Sprintf("coupatui-worker-%d-", worker))
		if err != nil {
			return nil, fmt.Errorf("worker %d: profile folder: %w", worker, err)
		}
		opts.ProfileDir = dir
		release = func() error { return os.RemoveAll(dir) }
	}
	// A browser whose profile goes away with it has nothing worth a
	// graceful close: it is killed, which takes a fraction of the time.
	discard := true
	if c.KeepClones && c.Profiles != nil {
		release = func() error { return nil }
		discard = false
	}
	c.name(&opts, worker)
	// A headless shell drops the clone's session cookies as it starts:
	// where the base holds any, they are read (once per sign-in, by a full
	// browser) while it starts, and set before its first page.
	var cookies chan cookiesRead
	if c.Profiles != nil && c.runsShell(opts) && c.holdsSessionCookies() {
		cookies = make(chan cookiesRead, 1)
		go func() {
			list, err := c.SessionCookies(ctx)
			cookies <- cookiesRead{list, err}
		}()
	}
	b, err := browser.Launch(ctx, opts)
	if cookies != nil {
		read := <-cookies // the read ends before Launch does
		if err == nil {
			if err = read.err; err == nil {
				err = b.SetCookies(ctx, read.cookies)
			}
			if err != nil {
				b.Discard()
			}
		}
	}
	if err != nil {
		return nil, errors.Join(err, release())
	}
	return &chromiumBrowser{b: b, site: c.Site, release: release, discard: discard}, nil
}

// holdsSessionCookies reports whether the base profile holds a cookie
// without expiry for the site, which a headless shell drops.
func (c *Chromium) holdsSessionCookies() bool {
	_, session := c.Profiles.SiteCookies(c.siteHost())
	return session
}

// siteHost is the Coupa site's host name.
func (c *Chromium) siteHost() string {
	u, err := url.Parse(c.Site.BaseURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// runsShell reports whether a local browser launched with opts is a
// headless shell.
func (c *Chromium) runsShell(opts browser.Options) bool {
	exe, err := browser.FindExec(opts.ExecPath, opts.Headless)
	return err == nil && browser.IsHeadlessShell(exe)
}

// cookiesRead is what SessionCookies gave a launching browser.
type cookiesRead struct {
	cookies []*network.CookieParam
	err     error
}

// chromiumBrowser adapts one browser.Browser to the pool's Browser.
type chromiumBrowser struct {
	b       *browser.Browser
	site    *coupa.Site
	release func() error // removes the profile once the browser is gone
	discard bool         // the profile is removed on Close: kill the browser rather than close it gracefully
}

func (c *chromiumBrowser) Process(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	res := c.site.Process(ctx, c.b, job, progress)
	if errors.Is(res.Err, coupa.ErrBrowserUnhealthy) {
		c.b.Kill() // a tab it cannot close: restart it before the next task
		return res
	}
	if res.Err != nil && ctx.Err() == nil {
		// A failure may be the browser dying under the page: make sure
		// Done reports it before the pool decides what the failure was.
		pctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		if err := c.b.Ping(pctx); err != nil {
			c.b.Kill()
		}
		cancel()
	}
	return res
}

func (c *chromiumBrowser) CheckSession(ctx context.Context) error {
	return c.site.CheckSession(ctx, c.b)
}

func (c *chromiumBrowser) PrintPDF(ctx context.Context, html string) ([]byte, error) {
	pdf, err := c.b.PrintPDF(ctx, html, browser.PDFOptions{})
	if errors.Is(err, browser.ErrUnhealthy) {
		c.b.Kill() // a tab it cannot close: restart it, as after a task
		if pdf != nil {
			return pdf, nil // printed before the tab stuck
		}
	}
	return pdf, err
}

func (c *chromiumBrowser) Ping(ctx context.Context) error { return c.b.Ping(ctx) }

// Err says why Done closed (a remote browser names its endpoint by host).
func (c *chromiumBrowser) Err() error            { return c.b.Err() }
func (c *chromiumBrowser) Done() <-chan struct{} { return c.b.Done() }
func (c *chromiumBrowser) PID() int              { return c.b.PID() }
func (c *chromiumBrowser) Kill()                 { c.b.Kill() }

func (c *chromiumBrowser) Close() error {
	if c.discard {
		return errors.Join(c.b.Discard(), c.release())
	}
	return errors.Join(c.b.Close(), c.release())
}
