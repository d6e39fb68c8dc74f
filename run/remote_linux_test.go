package run

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"coupatui/config"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/vocab"
)

// Secrets in the two endpoints' addresses. Their distinctive middles are
// looked for too: a console frame may draw part of a line.
const (
	hostSecret = "h0st-9f8e7d6c-5ecret"
	deadSecret = "dead-1a2b3c4d-5ecret"
)

// TestEndpointTokensShowNowhere runs the real Run (console, journal, log
// file) on two endpoints whose addresses carry tokens: a Chromium host
// given as http://host:port/?token=… (the token goes to /json/version and
// the websocket) and a ws:// address nothing listens on. The host is
// killed while it opens a PO and started again; the run completes. The
// errors of both (unreachable, connection lost) reach the log file, the
// journal's rows and the console, and none of them, nor stdout or
// stderr, holds a token.
func TestEndpointTokensShowNowhere(t *testing.T) {
	exe := testkit.Chromium(t)
	pos := []sim.PO{}
	var ids []string
	for i := range 3 {
		id := "45002000" + string(rune('1'+i)) + "0"
		ids = append(ids, id)
		pos = append(pos, sim.PO{ID: id, Supplier: "Acme", Want: vocab.Completed,
			Attachments: []sim.Attachment{{Name: "quote.pdf", Size: 8 << 10}}})
	}
	srv := sim.Start(t, sim.Options{POs: pos, Latency: 1500 * time.Millisecond}) // a page takes long enough to kill the host under it
	host := testkit.StartChromiumHost(t, exe)
	dead := deadAddress(t)

	dir := t.TempDir()
	in := writeInput(t, dir, ids...)
	cfg := config.Default()
	cfg.Coupa.BaseURL = srv.URL()
	cfg.Browser.ExecPath = exe
	cfg.Browser.Endpoints = []config.Endpoint{
		{URL: host.URL() + "/?token=" + hostSecret, Slots: 1},
		{URL: "ws://" + dead + "/?token=" + deadSecret, Slots: 1},
	}
	cfg.Pool.WorkerCount, cfg.Pool.MinWorkers = config.Count{N: 0}, 0
	d := func(s string) config.Duration { v, _ := time.ParseDuration(s); return config.Duration{Duration: v} }
	cfg.Pool.RestartBackoff, cfg.Pool.RestartBackoffMax = d("100ms"), d("500ms")
	cfg.Pool.RetryBackoff, cfg.Pool.RetryBackoffMax = d("100ms"), d("500ms")
	cfg.Pool.ShutdownTimeout = d("20s")
	cfg.Downloads.Root = filepath.Join(dir, "downloads")
	cfg.Store.Journal = filepath.Join(dir, "journal.sqlite")
	cfg.UI.LogFile = filepath.Join(dir, "coupatui.log")
	cfg.UI.ExitWhenDone = true
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr, frames testkit.Buffer
	inR, inW := io.Pipe()
	defer inW.Close()
	ended := make(chan End, 1)
	go func() {
		end, err := Run(cfg, Options{Input: in.Path, Stdout: &stdout, Stderr: &stderr, Stdin: inR, demo: true,
			pagesDir:    filepath.Join(dir, "pages"),
			consoleOpts: []tea.ProgramOption{tea.WithInput(inR), tea.WithOutput(&frames), tea.WithWindowSize(160, 48)}})
		if err != nil {
			t.Error(err)
		}
		ended <- end
	}()

	// Kill the host while it opens the first PO, start it again.
	testkit.WaitFor(t, "a page request from the host", time.Minute, func() bool { return srv.Stats().InFlight > 0 })
	host.Kill()
	testkit.WaitFor(t, "the console to show the lost connection", 30*time.Second, func() bool {
		return strings.Contains(ansi.Strip(frames.String()), "lost")
	})
	host.Restart()
	select {
	case end := <-ended:
		if end != Finished {
			t.Fatalf("run ended %s\nstderr:\n%s", end, stderr.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("the run did not finish\nscreen:\n%s", tail(ansi.Strip(frames.String()), 40))
	}

	logText, err := os.ReadFile(cfg.UI.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	var journal []byte
	for _, f := range []string{"", "-wal", "-shm"} {
		b, _ := os.ReadFile(cfg.Store.Journal + f)
		journal = append(journal, b...)
	}
	rows := journalRows(t, dir, in.Path)
	screen := ansi.Strip(frames.String())

	// Each place shows the failures, or the test proves nothing.
	_, hostPort, _ := strings.Cut(host.URL(), "://")
	for _, want := range []struct{ where, text, what string }{
		{"log file", string(logText), dead},
		{"log file", string(logText), hostPort},
		{"journal", rows, hostPort},
		{"console", screen, dead},
		{"console", screen, "lost"},
	} {
		if !strings.Contains(want.text, want.what) {
			t.Errorf("the %s never names %s: the test would prove nothing\n%s", want.where, want.what, want.text)
		}
	}
	for _, place := range []struct{ where, text string }{
		{"log file", string(logText)}, {"journal file", string(journal)}, {"journal rows", rows},
		{"console", screen}, {"stdout", stdout.String()}, {"stderr", stderr.String()},
	} {
		for _, secret := range []string{hostSecret, deadSecret, "9f8e7d6c", "1a2b3c4d", "token="} {
			if strings.Contains(place.text, secret) {
				i := strings.Index(place.text, secret)
				t.Errorf("the %s holds %q: …%s…", place.where, secret, place.text[max(0, i-80):i])
			}
		}
	}
	for _, id := range ids {
		if _, err := os.Stat(filepath.Join(cfg.Downloads.Root, "Acme", "PO"+id+"_COMPLETED", "quote.pdf")); err != nil {
			t.Errorf("PO%s's file did not come home: %v", id, err)
		}
	}
}

// deadAddress is a loopback host:port nothing listens on.
func deadAddress(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// journalRows is every transition the journal in dir holds for input,
// one line each.
func journalRows(t *testing.T, dir, input string) string {
	st := openStore(t, dir)
	runs, err := st.Runs(input)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range runs {
		ts, err := st.Events(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range ts {
			b.WriteString(strings.Join([]string{tr.PO, string(tr.State), string(tr.Status), tr.Error, tr.URL, tr.Folder}, " | ") + "\n")
		}
	}
	return b.String()
}
