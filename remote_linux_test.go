package main

import (
	"strings"
	"testing"
	"time"

	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
)

// Remote workers of a profile never signed in meet the sign-in wall at
// their first page and the run says so (exit 3), as local ones do: it does
// not wait out the start-up timeout and exit 1 for want of cookies.
func TestRemoteOnlyUnsignedExitsThree(t *testing.T) {
	host := testkit.StartChromiumHost(t, testkit.Chromium(t))
	dir := t.TempDir()
	pos := numberedPOs(4500320001, 2, oneFile)
	srv := sim.Start(t, sim.Options{SignIn: true, SessionCookie: true, POs: pos})
	start := time.Now()
	a := runApp(t, dir, 2*time.Minute, "--no-tui", "--workers", "0", "--remote", "1@"+host.URL(),
		"--base-url", srv.URL(), writePOList(t, dir, "pos.csv", pos))
	took := time.Since(start)
	if a.code != exitSignIn || !strings.Contains(a.stderr.String(), "coupatui login") {
		t.Fatalf("exit %d after %s\nstderr:\n%s", a.code, took, a.stderr.String())
	}
	t.Logf("exit 3 after %s", took.Round(time.Millisecond))
}
