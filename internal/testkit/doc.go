// Package testkit holds the helpers every package's tests share, so they
// cannot drift apart: Chromium (start a real browser or skip with a reason),
// Shared and Main (one browser for a package's tests, started only when a
// test needs it), WaitFor (poll a condition that offers no signal),
// SimSignIn and SimSignInPage (sign in to the simulated Coupa), Tmpfs
// (a small disk that really fills, as root), Buffer (a log or stderr
// several goroutines write), StartChild and AsChild (the test binary run
// again as a second process, killed when the test ends), and CPUTime and
// ReportCPU (what benchmarks measure on a shared machine).
//
// It is a normal package so that every package's tests can import it, but
// only tests may: production code must never import it (a test here checks).
// It imports no package of this module but internal/browserexec and, on
// Linux, internal/devtoolshost (a Chromium host for remote-slot tests), so
// that the tests of browser and coupa/sim, which are inside those
// packages, can use it without an import cycle.
//
// `go test -short ./...` runs no browser: every test that starts one asks
// Chromium (directly, or through Shared.Get) first, and Chromium skips the
// test under -short.
package testkit
