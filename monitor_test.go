package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/metrics"
	"coupatui/vocab"
)

// A monitoring address beyond loopback without a token stops coupatui with
// one message before anything is done: no demo folder, no journal.
func TestListenBeyondLoopbackNeedsAToken(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte("PO_NUMBER\n4500200001\n"), 0o600)
	for _, args := range [][]string{
		{"--no-tui", "--listen", "0.0.0.0:9464", "--base-url", "https://acme.example", input},
		{"demo", "--no-tui", "--listen", ":9464", "--dir", "demo"},
	} {
		a := runApp(t, dir, time.Minute, args...)
		msg := a.stderr.String()
		if a.code != exitFatal || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "listen_token") {
			t.Errorf("%v: exit %d, %q", args, a.code, msg)
		}
	}
	for _, p := range []string{"demo", "state"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("%s was made before the refusal", p)
		}
	}
}

// freePort is a loopback address nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// During a real run (Chromium, the simulator) /metrics parses with the
// Prometheus text parser and its counters move, and /status answers the
// pool's snapshot; the endpoint goes away with the run.
func TestMonitoringEndpointDuringARun(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	slow := sim.Attachment{Name: "survey.pdf", Size: 512 << 10, Slow: true} // two seconds at the simulator's slow pace
	var pos []sim.PO
	var lines []string
	for i, id := range []string{"4500300001", "4500300002", "4500300003", "4500300004"} {
		po := sim.PO{ID: id, Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{{Name: "a.pdf", Size: 4000}}}
		if i%2 == 1 {
			po.Attachments = append(po.Attachments, slow)
		}
		pos = append(pos, po)
		lines = append(lines, id)
	}
	srv := sim.Start(t, sim.Options{POs: pos})
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte("PO_NUMBER\n"+strings.Join(lines, "\n")+"\n"), 0o600)
	addr := freePort(t)

	cmd := exec.CommandContext(t.Context(), os.Args[0], "--no-tui", "--workers", "1", "--listen", addr, "--base-url", srv.URL(), input)
	cmd.Dir = dir
	cmd.Env, _ = env(t, dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	get := func(path string) (string, bool) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return "", false
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err == nil && resp.StatusCode == http.StatusOK
	}
	counter := func(body, name string) float64 {
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
		if err != nil {
			t.Fatalf("/metrics does not parse: %v", err)
		}
		f, ok := fams[name]
		if !ok || len(f.Metric) == 0 {
			t.Fatalf("/metrics has no %s", name)
		}
		var sum float64
		for _, m := range f.Metric {
			sum += m.GetCounter().GetValue()
		}
		return sum
	}
	var first float64
	testkit.WaitFor(t, "the first attempt on /metrics", 2*time.Minute, func() bool {
		body, ok := get("/metrics")
		if ok {
			first = counter(body, "coupatui_attempts_total")
		}
		return ok && first >= 1
	})
	body, ok := get("/status")
	var st metrics.Status
	if !ok || json.Unmarshal([]byte(body), &st) != nil || st.TotalTasks != 4 || st.WorkerCount != 1 || len(st.Workers) != 1 {
		t.Fatalf("/status: %s", body)
	}
	testkit.WaitFor(t, "more attempts and outcomes on /metrics", 2*time.Minute, func() bool {
		body, ok := get("/metrics")
		return ok && counter(body, "coupatui_attempts_total") > first && counter(body, "coupatui_outcomes_total") >= 2
	})
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("coupatui: %v\n%s", err, stderr.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("the run did not end\n%s", stderr.String())
	}
	if _, ok := get("/metrics"); ok {
		t.Error("the endpoint still answers after the run")
	}
}
