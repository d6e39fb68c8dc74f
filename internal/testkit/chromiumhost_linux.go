package testkit

import (
	"testing"

	"coupatui/internal/devtoolshost"
)

// ChromiumHost is a Chromium started by a test as a remote browser host
// (--remote-debugging-port on loopback), as an operator would run one on
// another machine. Kill and Restart simulate it dying and coming back.
type ChromiumHost struct {
	tb testing.TB
	h  *devtoolshost.Host
}

// StartChromiumHost starts a headless Chromium (exe) listening for
// DevTools on a free loopback port; the test's end kills it.
func StartChromiumHost(tb testing.TB, exe string) *ChromiumHost {
	tb.Helper()
	h, err := devtoolshost.Start(exe, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(h.Kill)
	return &ChromiumHost{tb: tb, h: h}
}

// URL is the host's http://127.0.0.1:PORT address (resolved through
// /json/version at each connection, so it survives a restart).
func (h *ChromiumHost) URL() string { return h.h.URL() }

// Kill ends the host and its helpers at once (SIGKILL to its group).
func (h *ChromiumHost) Kill() { h.h.Kill() }

// Restart starts the host again on the same port, with a fresh profile.
func (h *ChromiumHost) Restart() {
	h.tb.Helper()
	if err := h.h.Restart(); err != nil {
		h.tb.Fatal(err)
	}
}
