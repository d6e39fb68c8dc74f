package testkit

import (
	"runtime"
	"strings"
	"testing"

	"coupatui/internal/browserexec"
)

// Chromium returns the absolute path of the Chromium-family browser a test
// may start, found as the product finds it (browserexec.Find). It skips tb
// under -short, which runs no browser, and when no browser is installed,
// saying what it looked for and how to install one.
func Chromium(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("-short: skipping browser test")
	}
	exe, ok := browserexec.Find(true)
	if !ok {
		tb.Skip(noBrowser())
	}
	return exe
}

// LoginChromium is like Chromium but returns the browser that can show a
// window, as `coupatui login` finds it: tests that sign in as an operator
// would use it, and workers then read its profile in the headless one.
func LoginChromium(tb testing.TB) string {
	tb.Helper()
	Chromium(tb)
	exe, ok := browserexec.Find(false)
	if !ok {
		tb.Skip(noBrowser())
	}
	return exe
}

// noBrowser is the reason Chromium gives when it finds none.
func noBrowser() string {
	return "no Chromium or Chrome found (looked for " +
		strings.Join(browserexec.Candidates(runtime.GOOS, true), ", ") +
		"); install one to run this test: apt-get install -y chromium"
}
