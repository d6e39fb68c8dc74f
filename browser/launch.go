package browser

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

// Launch starts a browser (or attaches to Options.Remote). ctx and
// Options.StartTimeout bound the start-up only: the browser then lives until
// Close or Kill.
func Launch(ctx context.Context, opts Options) (*Browser, error) {
	b := &Browser{
		opts:      opts,
		log:       opts.logger(),
		done:      make(chan struct{}),
		watchDone: make(chan struct{}),
		dlSem:     make(chan struct{}, 1),
	}
	ctxOpts := []chromedp.ContextOption{
		chromedp.WithLogf(b.chromedpLog(slog.LevelDebug)),
		chromedp.WithErrorf(b.chromedpLog(slog.LevelDebug)),
	}
	if opts.Remote != "" {
		rctx, cancel := context.WithTimeout(ctx, opts.startTimeout())
		ws, err := resolveRemote(rctx, opts.Remote)
		cancel()
		if err != nil {
			return nil, err
		}
		// Dialled as resolved: chromedp's own resolution would drop a
		// token in the query.
		b.allocCtx, b.allocCancel = remote.NewAllocator(context.Background(), ws, remote.NoModifyURL)
		// A browser context of our own in someone else's browser: its
		// cookies, downloads and tabs are this connection's alone, and go
		// with it.
		ctxOpts = append(ctxOpts, chromedp.WithNewBrowserContext())
	} else {
		allocOpts, err := b.execOptions()
		if err != nil {
			return nil, err
		}
		b.allocCtx, b.allocCancel = chromedp.NewExecAllocator(context.Background(), allocOpts...)
	}
	var cancel context.CancelFunc
	b.ctx, cancel = chromedp.NewContext(b.allocCtx, ctxOpts...)
	// chromedp's cancel blocks for ever when called twice on a browser that
	// never started, so every path goes through one Once.
	b.cancel = sync.OnceFunc(cancel)
	if err := b.start(ctx); err != nil {
		b.abort()
		return nil, err
	}
	go b.watch()
	if opts.Remote != "" {
		b.log.Info("remote browser attached", "endpoint", RemoteHost(opts.Remote), "cookies", len(opts.Cookies),
			"user_agent", b.userAgent)
	} else {
		b.log.Info("browser started", "pid", b.pid, "exec", b.exe, "profile", b.profile, "headless", opts.Headless,
			"user_agent", b.userAgent)
	}
	return b, nil
}

// execOptions builds the allocator options of a local browser.
func (b *Browser) execOptions() ([]chromedp.ExecAllocatorOption, error) {
	exe, err := FindExec(b.opts.ExecPath, b.opts.Headless)
	if err != nil {
		return nil, err
	}
	if b.opts.ProfileDir == "" {
		return nil, errors.New("launch browser: Options.ProfileDir is required")
	}
	profile, err := filepath.Abs(b.opts.ProfileDir)
	if err != nil {
		return nil, fmt.Errorf("profile dir %q: %w", b.opts.ProfileDir, err)
	}
	if err := os.MkdirAll(profile, 0o700); err != nil {
		return nil, fmt.Errorf("profile dir %q: %w", profile, err)
	}
	if !b.opts.Headless {
		if err := checkDisplay(); err != nil {
			return nil, fmt.Errorf("launch visible browser: %w", err)
		}
	}
	b.profile, b.exe = profile, exe

	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	if !b.opts.Headless {
		opts = append(opts, chromedp.VisibleWindow)
	}
	opts = append(opts,
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		// Root cannot use the sandbox; everyone else keeps it. Setting the
		// flag (true or false) also stops chromedp from adding its own.
		chromedp.Flag("no-sandbox", os.Geteuid() == 0),
		chromedp.ModifyCmdFunc(startOwnGroup),
		chromedp.CombinedOutput(&lineLogger{log: b.log}),
	)
	if env := utf8LocaleEnv(runtime.GOOS, os.Getenv); len(env) > 0 && !keepLocale {
		opts = append(opts, chromedp.Env(env...))
	}
	for _, f := range b.opts.Flags {
		name, value, ok := parseSwitch(f)
		if !ok {
			return nil, fmt.Errorf("browser flag %q: want --name or --name=value", f)
		}
		opts = append(opts, chromedp.Flag(name, value))
	}
	return append(opts, b.ownTemp()...), nil
}

// maxTempLen keeps Chromium's SingletonSocket path, TMPDIR plus 46 bytes,
// under the smallest socket path limit (104 bytes on macOS).
const maxTempLen = 56

// ownTemp gives the browser a TMPDIR of its own, removed once the browser
// is gone, so that what Chromium leaves there when killed (its socket
// folder, shared-memory files) goes too. Where the system temp folder's
// path is too long for that, the browser shares it as before.
func (b *Browser) ownTemp() []chromedp.ExecAllocatorOption {
	tmp, err := os.MkdirTemp("", "coupatui-")
	if err != nil {
		b.log.Warn("no temp folder of its own for the browser", "err", err)
		return nil
	}
	if len(tmp) > maxTempLen {
		os.Remove(tmp)
		return nil
	}
	b.tmp = tmp
	return []chromedp.ExecAllocatorOption{chromedp.Env("TMPDIR=" + tmp)}
}

// keepLocale leaves the browser's locale as this process has it; tests set
// it to show that downloads work even then.
var keepLocale = false

// parseSwitch reads "--name" (true) or "--name=value".
func parseSwitch(s string) (name string, value any, ok bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "--") || len(s) == 2 {
		return "", nil, false
	}
	s = s[2:]
	if n, v, has := strings.Cut(s, "="); has {
		if n == "" {
			return "", nil, false
		}
		return n, v, true
	}
	return s, true, true
}

// start runs the first protocol exchange, which launches or attaches the
// browser. The exchange must run on b.ctx (the browser lives as long as the
// context of its first run), so ctx bounds it from outside.
func (b *Browser) start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, b.opts.startTimeout())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- b.firstContact() }()
	select {
	case err := <-errc:
		if err != nil {
			return b.startError(err)
		}
		return nil
	case <-ctx.Done():
		b.cancel() // makes firstContact return
		<-errc
		return fmt.Errorf("start browser: %w", ctx.Err())
	}
}

func (b *Browser) firstContact() error {
	if err := chromedp.Do(b.ctx); err != nil {
		return err
	}
	c := chromedp.FromContext(b.ctx)
	b.cdp = c.Browser
	b.browserContext = c.BrowserContextID
	if p := c.Browser.Process(); p != nil {
		b.pid = p.Pid
	}
	// Before any page of ours opens: the session travels as cookies.
	if err := b.SetCookies(b.ctx, b.opts.Cookies); err != nil {
		return err
	}
	v, err := cdp.Call(b.ctx, b.cdp, cdpbrowser.GetVersion, cdp.Empty{})
	if err != nil {
		return fmt.Errorf("browser version: %w", err)
	}
	b.userAgent = headfulUserAgent(v.UserAgent)
	// Target events on the browser session let tabs see their own end.
	if _, err := cdp.Call(b.ctx, b.cdp, target.SetDiscoverTargets, target.SetDiscoverTargetsParams{Discover: true}); err != nil {
		return fmt.Errorf("discover targets: %w", err)
	}
	// No download lands anywhere unless a Download asks for it.
	return b.resetDownloads(b.ctx)
}

// SetCookies sets cookies in the browser's context (its own in a remote
// browser), for pages opened from now on: how a signed-in session reaches
// a browser that has no copy of the signed-in profile, or one that drops
// its session cookies (a headless shell). Their values are never logged.
func (b *Browser) SetCookies(ctx context.Context, cookies []*network.CookieParam) error {
	if len(cookies) == 0 {
		return nil
	}
	if _, err := cdp.Call(ctx, b.cdp, storage.SetCookies, storage.SetCookiesParams{
		Cookies: cookies, BrowserContextID: b.browserContext}); err != nil {
		return fmt.Errorf("set the session cookies: %w", err)
	}
	return nil
}

func (b *Browser) startError(err error) error {
	if b.opts.Remote != "" {
		return scrubErr("attach to remote browser "+RemoteHost(b.opts.Remote), err)
	}
	if errors.Is(err, chromedp.ErrNoDisplay) {
		return fmt.Errorf("launch visible browser: %w", err)
	}
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("launch browser: %w: %w", err, ErrNoBrowser)
	}
	return fmt.Errorf("launch browser (profile %s): %w", b.profile, err)
}

// abort releases a browser whose start failed.
func (b *Browser) abort() {
	b.markClosing()
	if c := chromedp.FromContext(b.ctx); c != nil && c.Browser != nil {
		if p := c.Browser.Process(); p != nil {
			b.pid = p.Pid
		}
	}
	b.release()
	if b.profile != "" {
		SweepProfile(b.profile)
	}
	b.removeTemp()
}

// resetDownloads makes the browser (for a remote one, our browser context
// in it) refuse downloads: nothing lands on its disk unless a Download asks.
func (b *Browser) resetDownloads(ctx context.Context) error {
	_, err := cdp.Call(ctx, b.cdp, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorDeny, BrowserContextID: b.browserContext})
	if err != nil {
		return fmt.Errorf("reset download behaviour: %w", err)
	}
	return nil
}

// headfulUserAgent drops the "Headless" marker that some sites refuse; the
// tabs and the HTTP downloads then present the same, ordinary user agent.
func headfulUserAgent(ua string) string {
	return strings.ReplaceAll(ua, "HeadlessChrome/", "Chrome/")
}

// chromedpLog routes chromedp's printf-style logs to slog.
func (b *Browser) chromedpLog(level slog.Level) func(string, ...any) {
	return func(format string, args ...any) {
		b.log.Log(context.Background(), level, "chromedp: "+ScrubURLs(fmt.Sprintf(format, args...)))
	}
}

// lineLogger writes the browser's stdout/stderr to the debug log, line by
// line. chromedp writes it from one goroutine.
type lineLogger struct {
	log     *slog.Logger
	partial []byte
}

var _ io.Writer = (*lineLogger)(nil)

func (l *lineLogger) Write(p []byte) (int, error) {
	l.partial = append(l.partial, p...)
	for {
		i := strings.IndexByte(string(l.partial), '\n')
		if i < 0 {
			break
		}
		if line := strings.TrimSpace(string(l.partial[:i])); line != "" {
			l.log.Debug("browser output", "line", line)
		}
		l.partial = l.partial[i+1:]
	}
	if len(l.partial) > 64<<10 {
		l.partial = l.partial[:0]
	}
	return len(p), nil
}
