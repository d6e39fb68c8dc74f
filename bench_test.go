package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"coupatui/config"
)

func TestBenchFlags(t *testing.T) {
	f, err := parseBenchFlags([]string{"--workers", "1, 4,auto", "--pipeline-depth", "1,2", "--latency", "150ms",
		"--pos", "60", "--attachments", "3", "--size", "2MB", "--profile-mb", "0", "--json"})
	if err != nil {
		t.Fatal(err)
	}
	want := []config.Count{{N: 1}, {N: 4}, {Auto: true}}
	if len(f.workers) != 3 || f.workers[0] != want[0] || f.workers[1] != want[1] || f.workers[2] != want[2] ||
		len(f.depths) != 2 || f.latency != 150*time.Millisecond || f.pos != 60 || f.minAtt != 3 || f.maxAtt != 3 ||
		f.size != 2<<20 || f.profileMB != 0 || !f.json {
		t.Fatalf("parsed %+v", f)
	}
	if f, err = parseBenchFlags(nil); err != nil || len(f.workers) != 4 || f.minAtt != 0 || f.maxAtt != 4 || f.size != 200<<10 || f.depths != nil {
		t.Fatalf("defaults: %+v, %v", f, err)
	}
	for _, bad := range [][]string{
		{"--workers", "-1"}, {"--workers", "two"}, {"--hosts", "-1"}, {"--host-slots", "0"}, {"--remote", "10.0.0.5:3000"}, {"--pipeline-depth", "5"}, {"--attachments", "4-2"},
		{"--size", "lots"}, {"--pos", "0"}, {"--latency", "-1s"}, {"--profile-mb", "-3"}, {"extra"}, {"--nope"},
	} {
		if _, err := parseBenchFlags(bad); err == nil || !strings.HasPrefix(err.Error(), "bench: ") {
			t.Errorf("%v: %v, want one bench: error", bad, err)
		}
	}
}

// --workers 0 measures remote browsers alone: it needs some, from
// --remote, --hosts or the configuration.
func TestBenchEndpointFlags(t *testing.T) {
	f, err := parseBenchFlags([]string{"--workers", "0,2", "--remote", "4@ws://10.0.0.5:3000/?token=s3cr3t", "--remote", "http://10.0.0.6:9222",
		"--hosts", "2", "--host-slots", "3"})
	if err != nil {
		t.Fatal(err)
	}
	if e := f.remotes.endpoints; len(e) != 2 || e[0].Slots != 4 || e[0].URL != "ws://10.0.0.5:3000/?token=s3cr3t" || e[1].Slots != 1 ||
		f.hosts != 2 || f.hostSlots != 3 || f.workers[0] != (config.Count{N: 0}) {
		t.Fatalf("parsed %+v", f)
	}
	if err := f.checkEndpoints(nil); err != nil {
		t.Errorf("--workers 0 with hosts: %v", err)
	}
	f, _ = parseBenchFlags([]string{"--workers", "0"})
	if err := f.checkEndpoints(nil); err == nil || !strings.Contains(err.Error(), "--hosts N") {
		t.Errorf("--workers 0 alone: %v", err)
	}
	if err := f.checkEndpoints([]config.Endpoint{{URL: "ws://a:1", Slots: 1}}); err != nil {
		t.Errorf("--workers 0 with the configuration's endpoint: %v", err)
	}
	if _, err := parseBenchFlags([]string{"--remote", "0@ws://a:1/?token=s3cr3t"}); err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("0 slots: %v", err)
	}
}

func TestBenchOutputRow(t *testing.T) {
	var buf bytes.Buffer
	o := &benchOutput{w: &buf}
	r := benchResult{Workers: "auto", Settled: 3, Path: []int{1, 2, 3}, Depth: 2, POsPerMin: 120, PageLine: 10,
		CriticalLine: 20, Wall: 15, WallPerPage: 1.5, WallPerCrit: 0.75, Steps: map[string]float64{"navigate": 0.5}}
	o.row(r)
	o.flush([]benchResult{r})
	out := buf.String()
	for _, want := range []string{"auto→3", "0.75", "1 → 2 → 3", "navigate", "0.500"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	buf.Reset()
	o.row(benchResult{Workers: "1", RemoteSlots: 4, Depth: 2, POsPerMin: 99.5})
	if !strings.HasPrefix(buf.String(), "1            4     2     99.5") {
		t.Errorf("a row with remote slots: %q", buf.String())
	}
}

// A short bench run of the real coupatui against the simulator: every PO
// ends as meant, and each figure is there.
func TestBenchSmoke(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	a := runApp(t, dir, 3*time.Minute, "bench", "--workers", "1,auto", "--pos", "6", "--attachments", "0-2",
		"--latency", "20ms", "--size", "4KB", "--profile-mb", "1", "--json")
	if a.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", a.code, a.stderr.String())
	}
	dec := json.NewDecoder(&a.stdout)
	var rows []benchResult
	for dec.More() {
		var r benchResult
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("%v in:\n%s", err, a.stdout.String())
		}
		rows = append(rows, r)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2:\n%s", len(rows), a.stdout.String())
	}
	for _, r := range rows {
		if r.Done != 6 || len(r.Wrong) > 0 {
			t.Errorf("%s workers: %d done, wrong %v", r.Workers, r.Done, r.Wrong)
		}
		if r.Wall <= 0 || r.PageLine <= 0 || r.CriticalLine < r.PageLine || r.Ready <= 0 || r.Ready > r.Wall ||
			r.CPUPerPO <= 0 || r.Steps["navigate"] <= 0 || r.Steps["server page"] <= 0 || r.Depth != 2 {
			t.Errorf("%s workers: figures missing: %+v", r.Workers, r)
		}
		if runtime.GOOS == "linux" && (r.RSSMB <= 0 || r.BrowsersMB <= 0) {
			t.Errorf("%s workers: no memory figures: RSS %.0f MB, browsers %.0f MB", r.Workers, r.RSSMB, r.BrowsersMB)
		}
	}
	if rows[1].Workers != "auto" || rows[1].Settled < 1 {
		t.Errorf("auto row: %+v", rows[1])
	}
}

// bench --hosts starts Chromium hosts on loopback for the runs: a run
// with --workers 0 works on their slots alone, and the hosts go when the
// bench ends.
func TestBenchRemoteHosts(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	a := runApp(t, dir, 3*time.Minute, "bench", "--workers", "0", "--hosts", "1", "--host-slots", "2", "--pos", "4",
		"--attachments", "1", "--latency", "20ms", "--size", "4KB", "--profile-mb", "1", "--json", "--dir", filepath.Join(dir, "bench"))
	if a.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", a.code, a.stderr.String())
	}
	var r benchResult
	if err := json.NewDecoder(&a.stdout).Decode(&r); err != nil {
		t.Fatalf("%v in:\n%s", err, a.stdout.String())
	}
	if r.Workers != "0" || r.RemoteSlots != 2 || r.Done != 4 || len(r.Wrong) > 0 || r.POsPerMin <= 0 {
		t.Errorf("remote-only row: %+v", r)
	}
	// The host's profile was under --dir; no browser still uses it.
	if out, _ := exec.Command("pgrep", "-f", filepath.Join(dir, "bench", "host-1")).Output(); len(out) > 0 {
		t.Errorf("the bench's Chromium host outlived it: %s", out)
	}
}
