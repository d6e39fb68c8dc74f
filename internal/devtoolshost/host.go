// Package devtoolshost starts a Chromium as a remote browser host: headless,
// with --remote-debugging-port on loopback, as an operator runs one on
// another machine. `coupatui bench --hosts N` and the tests' kit
// (internal/testkit) both start theirs here.
package devtoolshost

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// startWithin bounds how long a host may take to listen.
const startWithin = time.Minute

// Host is one Chromium listening for DevTools on 127.0.0.1. Its owner
// calls Kill; Restart starts it again on the same port.
type Host struct {
	exe  string
	dir  string // its profiles and TMPDIR go under it
	Port string // the DevTools port, kept across Restart
	cmd  *exec.Cmd
	runs int
	// waited gives the answer of cmd's one Wait, which its own goroutine
	// (owned by Kill, which reads it) makes.
	waited chan error
}

// Start starts exe (Chromium) on a free loopback port, its profile and
// temporary files in folders under dir (which the caller removes).
func Start(exe, dir string) (*Host, error) {
	h := &Host{exe: exe, dir: dir, Port: "0"}
	return h, h.start()
}

// URL is the host's http://127.0.0.1:PORT address (resolved through
// /json/version at each connection, so it survives a restart).
func (h *Host) URL() string { return "http://127.0.0.1:" + h.Port }

// PID is the host's browser process, 0 when it is not running.
func (h *Host) PID() int {
	if h.cmd == nil {
		return 0
	}
	return h.cmd.Process.Pid
}

func (h *Host) start() error {
	h.runs++
	profile := filepath.Join(h.dir, fmt.Sprintf("profile-%d", h.runs))
	tmp := filepath.Join(h.dir, fmt.Sprintf("tmp-%d", h.runs))
	for _, d := range []string{profile, tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("chromium host: %w", err)
		}
	}
	args := []string{"--headless", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=" + h.Port,
		"--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check",
		"--disable-background-networking", "--disable-component-update", "about:blank"}
	if os.Geteuid() == 0 {
		args = append(args, "--no-sandbox")
	}
	cmd := exec.Command(h.exe, args...)
	ownGroup(cmd) // so Kill takes its helpers too; on Linux it dies with its starter
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start a Chromium host (%s): %w", h.exe, err)
	}
	h.cmd = cmd
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }() // the one Wait; Kill reads its answer
	h.waited = exited
	// Chromium writes DevToolsActivePort once it listens on port 0 (not
	// on a port it is given: then it answers /json/version), and sends no
	// other signal.
	deadline := time.Now().Add(startWithin)
	fixed := h.Port != "0"
	for {
		if fixed {
			if resp, err := http.Get(h.URL() + "/json/version"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return nil
				}
			}
		} else if b, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort")); err == nil {
			if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) == 2 {
				h.Port = lines[0]
				return nil
			}
		}
		select {
		case err := <-exited:
			exited <- err
			h.Kill()
			return fmt.Errorf("the Chromium host (port %s) exited before it listened: %v", h.Port, err)
		default:
		}
		if time.Now().After(deadline) {
			h.Kill()
			return fmt.Errorf("the Chromium host (port %s) did not listen within %s", h.Port, startWithin)
		}
		time.Sleep(20 * time.Millisecond) // a file, no event to wait on
	}
}

// Kill ends the host and its helpers at once and waits for it.
func (h *Host) Kill() {
	if h.cmd == nil {
		return
	}
	killGroup(h.cmd)
	<-h.waited
	h.cmd = nil
}

// Restart starts the host again on the same port, with a fresh profile.
func (h *Host) Restart() error {
	if h.cmd != nil {
		return errors.New("restart a Chromium host that runs")
	}
	return h.start()
}
