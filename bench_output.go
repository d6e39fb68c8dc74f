package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"coupatui/browser"
	"coupatui/config"
)

// benchOutput writes bench's report: a header, a row per run as it ends,
// and where each run's PO time went; or, with --json, one JSON object per
// run.
type benchOutput struct {
	w    io.Writer
	json bool
}

func (o *benchOutput) header(f *benchFlags, site benchSite, execPath string, endpoints []config.Endpoint, ownHosts int) {
	if o.json {
		return
	}
	atts := fmt.Sprintf("%d–%d", f.minAtt, f.maxAtt)
	if f.minAtt == f.maxAtt {
		atts = fmt.Sprint(f.minAtt)
	}
	fmt.Fprintf(o.w, "coupatui bench: %d POs, %s attachments of %s each (%d in all, linked by URL), pages and download starts %s ±50%%\n",
		len(site.pos), atts, sizeHuman(f.size), site.attachments(), f.latency)
	machine := machineName()
	if machine != "" {
		machine += ", "
	}
	fmt.Fprintf(o.w, "machine: %s%d cores, %s/%s; %s; base profile %d MB\n",
		machine, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, orDash(chromiumVersion(execPath)), f.profileMB)
	if len(endpoints) > 0 {
		var es []string
		for i, e := range endpoints {
			what := ""
			if i >= len(endpoints)-ownHosts {
				what = " (a Chromium host bench started)"
			}
			es = append(es, fmt.Sprintf("%s × %d slot%s%s", browser.RemoteHost(e.URL), e.Slots, plural(e.Slots), what))
		}
		fmt.Fprintf(o.w, "remote browsers in every run (the remote column: their slots): %s\n", strings.Join(es, "; "))
	}
	fmt.Fprintln(o.w, "lines: the simulator's own seconds ÷ workers (local and remote): page = its page time, critical = page + slowest file per PO")
	fmt.Fprintln(o.w)
	fmt.Fprintf(o.w, "%-7s %6s %5s %8s %9s %9s %8s %6s %6s %8s %8s %6s %6s %9s %7s %7s %5s\n",
		"workers", "remote", "depth", "POs/min", "page", "critical", "wall", "÷page", "÷crit", "over p50", "over p95",
		"ready", "RSS", "browsers", "CPU/PO", "own/PO", "load")
}

func (o *benchOutput) row(r benchResult) {
	if o.json {
		json.NewEncoder(o.w).Encode(r)
		return
	}
	workers := r.Workers
	if r.Workers == "auto" {
		workers = fmt.Sprintf("auto→%d", r.Settled)
	}
	fmt.Fprintf(o.w, "%-7s %6s %5d %8.1f %8.1fs %8.1fs %7.1fs %6.2f %6.2f %7.2fs %7.2fs %5.2fs %4.0fMB %7.0fMB %6.2fs %6.3fs %5s\n",
		workers, orDash(remoteSlots(r.RemoteSlots)), r.Depth, r.POsPerMin, r.PageLine, r.CriticalLine, r.Wall, r.WallPerPage, r.WallPerCrit,
		r.OverMedian, r.OverP95, r.Ready, r.RSSMB, r.BrowsersMB, r.CPUPerPO, r.OwnCPUPerPO, r.Load)
	if r.Workers == "auto" && len(r.Path) > 0 {
		var p []string
		for _, n := range r.Path {
			p = append(p, fmt.Sprint(n))
		}
		fmt.Fprintf(o.w, "        worker counts it went through: %s\n", strings.Join(p, " → "))
	}
	if len(r.Wrong) > 0 {
		fmt.Fprintf(o.w, "        %d POs did not end as the simulator meant, e.g. %s\n", len(r.Wrong), strings.Join(r.Wrong[:min(3, len(r.Wrong))], "; "))
	}
}

// benchSteps are the columns of "where a PO's time goes", in a PO's order.
var benchSteps = []struct{ key, title string }{
	{"tab", "tab"}, {"navigate", "navigate"}, {"server page", "(server)"}, {"markers", "markers"},
	{"extract", "extract"}, {"folder", "folder"}, {"downloads", "downloads"},
	{"server slowest file", "(server)"}, {"finish", "finish"}, {"park", "park"},
	{"pool and journal", "pool+jrnl"}, {"between POs", "between"},
}

func (o *benchOutput) flush(rs []benchResult) {
	if o.json || len(rs) == 0 {
		return
	}
	fmt.Fprintln(o.w)
	fmt.Fprintln(o.w, "where a PO's time goes (medians over POs, seconds; (server) is the simulator's own time inside the step before it;")
	fmt.Fprintln(o.w, "pool+jrnl is a PO's time outside its steps: journal writes and dispatch; between is a worker's idle time between two POs)")
	fmt.Fprintf(o.w, "%-7s %6s %5s", "workers", "remote", "depth")
	for _, s := range benchSteps {
		fmt.Fprintf(o.w, " %9s", s.title)
	}
	fmt.Fprintln(o.w)
	for _, r := range rs {
		fmt.Fprintf(o.w, "%-7s %6s %5d", r.Workers, orDash(remoteSlots(r.RemoteSlots)), r.Depth)
		for _, s := range benchSteps {
			fmt.Fprintf(o.w, " %9.3f", r.Steps[s.key])
		}
		fmt.Fprintln(o.w)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// remoteSlots is the remote column: "" (shown as —) without endpoints.
func remoteSlots(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprint(n)
}

func sizeHuman(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "not finished"
	}
	return s
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}

// chromiumVersion asks the browser for its version, "" when it will not say.
func chromiumVersion(path string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return ""
	}
	v := strings.TrimSpace(string(out))
	if browser.IsHeadlessShell(path) {
		v += " (headless shell)"
	}
	return v
}
