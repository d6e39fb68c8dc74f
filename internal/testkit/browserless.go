package testkit

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BrowserlessDir is where scripts/ensure-browserless.sh installs
// browserless: $COUPATUI_BROWSERLESS_DIR, else ~/.cache/coupatui/browserless.
func BrowserlessDir() string {
	if d := os.Getenv("COUPATUI_BROWSERLESS_DIR"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "coupatui", "browserless")
}

// browserlessStart starts browserless through its SDK with the Chromium
// routes only (the others have no browser here and would stop it).
const browserlessStart = `
import { Browserless, BrowserlessRoutes } from '@browserless.io/browserless';
const b = new Browserless();
b.disableRoutes(...Object.keys(BrowserlessRoutes).filter((n) => /^(Chrome|Edge|Firefox|WebKit)/.test(n)));
await b.start();
console.log('coupatui: browserless ready');
`

// Browserless is a browserless v2 server a test started on loopback.
type Browserless struct {
	Port  string
	Token string
}

// URL is its CDP address with the token, as an operator would give it.
func (b *Browserless) URL() string { return "ws://127.0.0.1:" + b.Port + "/?token=" + b.Token }

// StartBrowserless runs the browserless that scripts/ensure-browserless.sh
// installed, with token, on a free loopback port, with at most concurrent
// sessions and queued more waiting (beyond them it answers 429); the
// test's end stops it and the browsers it started. It skips tb under
// -short and when node or the install is missing, saying how to install it.
func StartBrowserless(tb testing.TB, token string, concurrent, queued int) *Browserless {
	tb.Helper()
	if testing.Short() {
		tb.Skip("-short: skipping browserless test")
	}
	dir := BrowserlessDir()
	node, err := exec.LookPath("node")
	if err != nil {
		tb.Skip("node not found: install nodejs, then scripts/ensure-browserless.sh, to run the browserless test")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@browserless.io", "browserless", "package.json")); err != nil {
		tb.Skipf("browserless is not installed in %s: run scripts/ensure-browserless.sh to run this test", dir)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	tmp := tb.TempDir() // its browsers' profiles go here: the sweep finds them by it
	script := filepath.Join(dir, "coupatui-start.mjs")
	if err := os.WriteFile(script, []byte(browserlessStart), 0o600); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(node, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT="+port, "TOKEN="+token,
		fmt.Sprint("CONCURRENT=", concurrent), fmt.Sprint("QUEUED=", queued), "TIMEOUT=600000",
		"PLAYWRIGHT_BROWSERS_PATH="+filepath.Join(dir, "browsers"), "TMPDIR="+tmp)
	setGroup(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start browserless: %v", err)
	}
	lines := make(chan string, 64)
	go func() { // owned by the process: ends when its output closes
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody listens any more
			}
		}
	}()
	tb.Cleanup(func() {
		killGroup(cmd)
		cmd.Wait()
		for range lines {
		}
		// Its browsers run in process groups of their own (the launcher
		// detaches them), so the group's kill misses them.
		killUsing(tmp)
	})
	var seen []string
	timeout := time.After(90 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				tb.Fatalf("browserless exited before it was ready:\n%s", strings.Join(seen, "\n"))
			}
			seen = append(seen, line)
			if strings.Contains(line, "coupatui: browserless ready") {
				b := &Browserless{Port: port, Token: token}
				if resp, err := http.Get("http://127.0.0.1:" + port + "/json/version?token=" + token); err == nil {
					resp.Body.Close()
				}
				return b
			}
		case <-timeout:
			tb.Fatalf("browserless not ready within 90 s:\n%s", strings.Join(seen, "\n"))
		}
	}
}
