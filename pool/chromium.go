package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"time"

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
}

// Launch implements Engine.
func (c *Chromium) Launch(ctx context.Context, worker int) (Browser, error) {
	opts := c.Browser
	var release func() error
	switch {
	case opts.Remote != "":
		release = func() error { return nil }
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
	discard := opts.Remote == ""
	if c.KeepClones && c.Profiles != nil {
		release = func() error { return nil }
		discard = false
	}
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
	b, err := browser.Launch(ctx, opts)
	if err != nil {
		return nil, errors.Join(err, release())
	}
	return &chromiumBrowser{b: b, site: c.Site, release: release, discard: discard}, nil
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
func (c *chromiumBrowser) Done() <-chan struct{}          { return c.b.Done() }
func (c *chromiumBrowser) PID() int                       { return c.b.PID() }
func (c *chromiumBrowser) Kill()                          { c.b.Kill() }

func (c *chromiumBrowser) Close() error {
	if c.discard {
		return errors.Join(c.b.Discard(), c.release())
	}
	return errors.Join(c.b.Close(), c.release())
}
