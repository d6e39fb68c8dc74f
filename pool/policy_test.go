package pool

import (
	"strings"
	"testing"
	"time"

	"coupatui/config"
	"coupatui/monitor"
)

func testPolicy() *policy {
	cfg := ConfigFrom(config.Default()).Policy
	cfg.Window, cfg.RecoverWindow = 5*time.Second, 30*time.Second
	cfg.MaxBrowserBytes = 1000 << 20
	return newPolicy(cfg, 1, 8)
}

func kinds(acts []action) string {
	var b strings.Builder
	for _, a := range acts {
		b.WriteString([]string{"ceiling", "target", "recycle", "pause", "resume"}[a.kind])
		b.WriteString("(")
		b.WriteString(string(rune('0' + a.n)))
		b.WriteString(") ")
	}
	return strings.TrimSpace(b.String())
}

func TestPolicyElevatedRecyclesThenRetiresToFloorThenRecovers(t *testing.T) {
	pl := testPolicy()
	t0 := time.Unix(1e9, 0)
	in := policyInput{now: t0, pressure: monitor.Elevated, usedPercent: 80, target: 4, live: 4,
		browsers: []load{{1, 300 << 20}, {2, 700 << 20}, {3, 200 << 20}, {4, 100 << 20}}}
	steps := []struct {
		at       time.Duration
		pressure monitor.Pressure
		live     int
		want     string
	}{
		{0, monitor.Elevated, 4, "ceiling(4) recycle(2)"},    // stop scaling up; heaviest first
		{2 * time.Second, monitor.Elevated, 4, ""},           // within the window: nothing more
		{5 * time.Second, monitor.Elevated, 4, "ceiling(3)"}, // still elevated: one fewer
		{10 * time.Second, monitor.Elevated, 3, "ceiling(2)"},
		{15 * time.Second, monitor.Elevated, 2, "ceiling(1)"},
		{20 * time.Second, monitor.Elevated, 1, ""}, // min_workers floor
		{25 * time.Second, monitor.Ok, 1, ""},       // low, but not for long enough
		{54 * time.Second, monitor.Ok, 1, ""},
		{55 * time.Second, monitor.Ok, 1, "ceiling(8)"}, // back to the target
		{60 * time.Second, monitor.Ok, 4, ""},
	}
	for _, s := range steps {
		in.now, in.pressure, in.live = t0.Add(s.at), s.pressure, s.live
		if got := kinds(pl.decide(in)); got != s.want {
			t.Fatalf("at %s (%s, %d live): %q, want %q", s.at, s.pressure, s.live, got, s.want)
		}
	}
}

func TestPolicyCriticalGoesStraightToFloor(t *testing.T) {
	pl := testPolicy()
	t0 := time.Unix(1e9, 0)
	in := policyInput{now: t0, pressure: monitor.Critical, usedPercent: 95, target: 4, live: 4,
		browsers: []load{{1, 300 << 20}, {2, 700 << 20}}}
	if got := kinds(pl.decide(in)); got != "ceiling(1) recycle(1) recycle(2)" {
		t.Fatalf("critical: %q", got)
	}
	in.now = t0.Add(time.Minute)
	if got := kinds(pl.decide(in)); got != "" {
		t.Fatalf("still critical: %q, want nothing new", got)
	}
}

func TestPolicyPauseOnCritical(t *testing.T) {
	pl := testPolicy()
	pl.cfg.PauseOnCritical = true
	t0 := time.Unix(1e9, 0)
	in := policyInput{now: t0, pressure: monitor.Critical, target: 2, live: 2}
	if got := kinds(pl.decide(in)); got != "pause(0)" || !pl.paused {
		t.Fatalf("critical with pause_on_critical: %q", got)
	}
	in.pressure, in.now = monitor.Elevated, t0.Add(time.Second)
	if got := kinds(pl.decide(in)); !strings.HasPrefix(got, "resume(0)") || pl.paused {
		t.Fatalf("leaving critical: %q", got)
	}
}

func TestPolicyMaxBrowserBytes(t *testing.T) {
	pl := testPolicy()
	in := policyInput{now: time.Unix(1e9, 0), pressure: monitor.Ok, target: 2, live: 2,
		browsers: []load{{1, 900 << 20}, {2, 1200 << 20}}}
	if got := kinds(pl.decide(in)); got != "recycle(2)" {
		t.Fatalf("browser above max_browser_mb: %q", got)
	}
}

func TestPolicyAutoscaleSteps(t *testing.T) {
	pl := testPolicy()
	pl.cfg.Autoscale = true
	t0 := time.Unix(1e9, 0)
	in := policyInput{now: t0, pressure: monitor.Ok, cpuPercent: 30, target: 2, live: 2, busy: 2, queued: 50}
	pl.decide(in) // first reading sets the level
	in.now = t0.Add(5 * time.Second)
	if got := kinds(pl.decide(in)); got != "target(3)" {
		t.Fatalf("busy with a queue: %q", got)
	}
	in.now, in.target, in.live, in.busy = t0.Add(7*time.Second), 3, 3, 3
	if got := kinds(pl.decide(in)); got != "" {
		t.Fatalf("a step within the window: %q", got)
	}
	in.now, in.cpuPercent = t0.Add(10*time.Second), 95
	if got := kinds(pl.decide(in)); got != "" {
		t.Fatalf("no CPU headroom: %q", got)
	}
	in.now, in.queued, in.busy = t0.Add(15*time.Second), 0, 1
	if got := kinds(pl.decide(in)); got != "target(2)" {
		t.Fatalf("idle: %q", got)
	}
	in.now, in.target, in.live = t0.Add(20*time.Second), 1, 1
	if got := kinds(pl.decide(in)); got != "" {
		t.Fatalf("at min_workers: %q", got)
	}
}
