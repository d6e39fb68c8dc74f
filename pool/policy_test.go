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

// TestPolicyAutoFindsTheKnee: worker_count = "auto" adds a worker while
// each one added raises throughput by more than 10%, keeps one that raises
// it by less and tries no more, steps back from one that raises it not at
// all, holds there, and tries again after a while.
func TestPolicyAutoFindsTheKnee(t *testing.T) {
	pl := testPolicy()
	pl.cfg.Auto, pl.cfg.AutoCPU = true, 80
	t0 := time.Unix(1e9, 0)
	in := policyInput{now: t0, pressure: monitor.Ok, cpuPercent: 30, target: 2, live: 2, ready: 2, busy: 2, queued: 100}
	step := func(at time.Duration, target, ready, done int, want string) {
		t.Helper()
		in.now, in.target, in.live, in.ready, in.busy, in.done = t0.Add(at), target, target, ready, target, done
		if got := kinds(pl.decide(in)); got != want {
			t.Fatalf("at %s with %d workers (%d ready), %d done: %q, want %q", at, target, ready, done, got, want)
		}
	}
	step(0, 2, 2, 0, "")                        // a measurement of 2 workers begins
	step(3*time.Second, 2, 2, 12, "")           // shorter than the window
	step(5*time.Second, 2, 2, 20, "target(3)")  // 4 POs/s, nothing to compare with: one more
	step(6*time.Second, 3, 2, 24, "")           // the new worker is not up yet
	step(7*time.Second, 3, 3, 28, "")           // now it is: measuring 3
	step(12*time.Second, 3, 3, 58, "target(4)") // 6 POs/s, 50% more than 2 gave: one more
	step(13*time.Second, 4, 4, 64, "")
	step(18*time.Second, 4, 4, 96, "target(4)") // 6.4 POs/s, under 10% more but more: stays at 4
	step(23*time.Second, 4, 4, 128, "")         // at the knee: no fifth is tried
	step(28*time.Second, 4, 4, 160, "")
	// After autoHoldWindows it measures again: 4 workers now pay 14% more
	// than 3 did, so it tries a fifth, which adds nothing: back to 4.
	in.queued = 200
	step(17*time.Second+autoHoldWindows*5*time.Second, 4, 4, 500, "")
	step(19*time.Second+autoHoldWindows*5*time.Second, 4, 4, 512, "")
	step(24*time.Second+autoHoldWindows*5*time.Second, 4, 4, 548, "target(5)") // 6.86 POs/s since 1m17s
	step(25*time.Second+autoHoldWindows*5*time.Second, 5, 5, 554, "")
	step(30*time.Second+autoHoldWindows*5*time.Second, 5, 5, 588, "target(4)") // 6.8 POs/s, no more than 4 gave (6.86)
	step(31*time.Second+autoHoldWindows*5*time.Second, 4, 4, 594, "")
	step(36*time.Second+autoHoldWindows*5*time.Second, 4, 4, 630, "")

	// No CPU headroom: no worker added, however well the last one paid.
	pl = testPolicy()
	pl.cfg.Auto, pl.cfg.AutoCPU = true, 80
	in = policyInput{now: t0, pressure: monitor.Ok, cpuPercent: 95, target: 2, live: 2, ready: 2, busy: 2, queued: 100}
	step(0, 2, 2, 0, "")
	step(5*time.Second, 2, 2, 20, "")

	// Nothing waits and workers idle: one fewer per window, down to min_workers.
	in.queued, in.cpuPercent = 0, 10
	in.now, in.target, in.live, in.ready, in.busy = t0.Add(10*time.Second), 2, 2, 2, 1
	if got := kinds(pl.decide(in)); got != "target(1)" {
		t.Fatalf("idle: %q", got)
	}
	in.now, in.target, in.live, in.ready, in.busy = t0.Add(20*time.Second), 1, 1, 1, 0
	if got := kinds(pl.decide(in)); got != "" {
		t.Fatalf("at min_workers: %q", got)
	}

	// Too little work waits for one more worker to pay: 4 POs/s with 50
	// waiting is 12.5 s of work, under autoTrialWindows windows of 5 s.
	pl = testPolicy()
	pl.cfg.Auto, pl.cfg.AutoCPU = true, 80
	in = policyInput{now: t0, pressure: monitor.Ok, cpuPercent: 30, target: 2, live: 2, ready: 2, busy: 2, queued: 50}
	step(0, 2, 2, 0, "")
	step(5*time.Second, 2, 2, 20, "")
	in.queued = 60 // 15 s of work: worth a try
	step(10*time.Second, 2, 2, 40, "target(3)")
}
