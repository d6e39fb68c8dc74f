package testkit

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ChromiumHost is a Chromium started by a test as a remote browser host
// (--remote-debugging-port on loopback), as an operator would run one on
// another machine. Kill and Restart simulate it dying and coming back.
type ChromiumHost struct {
	tb   testing.TB
	exe  string
	Port string // the DevTools port, kept across Restart
	cmd  *exec.Cmd
}

// StartChromiumHost starts a headless Chromium (exe) listening for
// DevTools on a free loopback port; the test's end kills it.
func StartChromiumHost(tb testing.TB, exe string) *ChromiumHost {
	tb.Helper()
	h := &ChromiumHost{tb: tb, exe: exe, Port: "0"}
	h.start()
	tb.Cleanup(h.Kill)
	return h
}

// URL is the host's http://127.0.0.1:PORT address (resolved through
// /json/version at each connection, so it survives a restart).
func (h *ChromiumHost) URL() string { return "http://127.0.0.1:" + h.Port }

func (h *ChromiumHost) start() {
	h.tb.Helper()
	profile := h.tb.TempDir()
	args := []string{"--headless", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=" + h.Port,
		"--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check",
		"--disable-background-networking", "--disable-component-update", "about:blank"}
	if os.Geteuid() == 0 {
		args = append(args, "--no-sandbox")
	}
	cmd := exec.Command(h.exe, args...)
	// Its own group (so Kill takes its helpers too), killed with the test binary.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Env = append(os.Environ(), "TMPDIR="+h.tb.TempDir())
	if err := cmd.Start(); err != nil {
		h.tb.Fatalf("start a Chromium host: %v", err)
	}
	h.cmd = cmd
	// Chromium writes DevToolsActivePort once it listens on port 0 (not
	// on a port it is given: then it answers /json/version), and sends no
	// other signal.
	deadline := time.Now().Add(time.Minute)
	fixed := h.Port != "0"
	for {
		if fixed {
			if resp, err := http.Get(h.URL() + "/json/version"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return
				}
			}
		} else if b, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort")); err == nil {
			if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) == 2 {
				h.Port = lines[0]
				return
			}
		}
		if time.Now().After(deadline) {
			h.Kill()
			h.tb.Fatalf("the Chromium host (port %s) never listened", h.Port)
		}
		time.Sleep(20 * time.Millisecond) // a file, no event to wait on
	}
}

// Kill ends the host and its helpers at once (SIGKILL to its group).
func (h *ChromiumHost) Kill() {
	if h.cmd == nil {
		return
	}
	syscall.Kill(-h.cmd.Process.Pid, syscall.SIGKILL)
	h.cmd.Wait()
	h.cmd = nil
}

// Restart starts the host again on the same port, with a fresh profile.
func (h *ChromiumHost) Restart() {
	h.tb.Helper()
	if h.cmd != nil {
		h.tb.Fatal(fmt.Errorf("restart a Chromium host that runs"))
	}
	h.start()
}
