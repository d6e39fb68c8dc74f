package browser

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/chromedp/cdproto/network"
)

// Options configures Launch.
type Options struct {
	// ExecPath is the browser binary; "" finds Chrome, Chromium or Edge (see FindExec).
	ExecPath string
	// Headless runs the new headless mode (--headless); false opens a window,
	// which needs a display on Linux.
	Headless bool
	// ProfileDir is the user data dir. Launch requires it (unless Remote is
	// set) and creates it when missing; Close never removes it.
	ProfileDir string
	// BlockResources fails image, font, media, prefetch and ping requests of
	// every tab, so pages load without their heavy assets.
	BlockResources bool
	// Remote is the address of a browser that already runs (ws:// or wss://
	// as given, or http(s)://host:port resolved through /json/version at
	// each Launch): Launch connects, opens a browser context of its own in
	// it and starts nothing; Close closes that context and the connection.
	// It may carry a token: it is never logged or put in an error.
	Remote string
	// Cookies are set in the browser's context before its first page: the
	// signed-in session travels this way to a remote browser and to a
	// headless shell (see SessionCookies and SetCookies).
	Cookies []*network.CookieParam
	// Flags are extra command-line switches ("--restore-last-session",
	// "--lang=pt-BR"). A switch given here overrides a default one.
	Flags []string
	// Headers are sent with every request of every tab
	// (Network.setExtraHTTPHeaders) and of every HTTP download, e.g. the
	// Coupatui-Worker header that names a worker to the simulator.
	Headers http.Header
	// KeepTabs is how many tabs tasks that ended cleanly park for the
	// next ones (Tab.Park); 0 means 1. A worker that holds several POs at
	// once (pipeline_depth) keeps as many, since a tab costs ~0.4 s to set up.
	KeepTabs int
	// Gate paces the requests of every tab and download to the site; share
	// one between the browsers of a run. nil: no pacing.
	Gate *Gate
	// StartTimeout bounds the launch and the first protocol round trip;
	// 0 means DefaultStartTimeout.
	StartTimeout time.Duration
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
}

// DefaultStartTimeout bounds Launch when Options.StartTimeout is 0.
const DefaultStartTimeout = 30 * time.Second

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

func (o Options) startTimeout() time.Duration {
	if o.StartTimeout <= 0 {
		return DefaultStartTimeout
	}
	return o.StartTimeout
}
