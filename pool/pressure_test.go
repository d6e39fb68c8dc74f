package pool_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coupatui/browser"
	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/monitor"
	"coupatui/pool"
	"coupatui/vocab"
)

// A page that makes its renderer allocate far more than max_browser_mb gets
// its browser recycled after the task, and the run completes.
func TestRealHeavyBrowserRecycledAfterItsTask(t *testing.T) {
	exec := testkit.Chromium(t)
	pos := simplePOs(3, 700)
	heavy := sim.PO{ID: "4500107777", Supplier: "Heavy", AllocMB: 1000, Want: vocab.Completed,
		// A slow file keeps the heavy page open long enough to be sampled.
		Attachments: []sim.Attachment{{Name: "scan.pdf", Size: 1 << 20, Slow: true}}}
	srv := sim.Start(t, sim.Options{POs: append([]sim.PO{heavy}, pos...)})
	tmp := t.TempDir()

	mon := monitor.New(monitor.Options{Interval: 250 * time.Millisecond, Threshold: 0.98, Critical: 0.99})
	monCtx, stopMon := context.WithCancel(context.Background())
	monDone := make(chan struct{})
	go func() { defer close(monDone); mon.Run(monCtx) }()
	defer func() { stopMon(); <-monDone }()

	cfg := testConfig(1)
	cfg.Policy.MaxBrowserBytes = 600 << 20 // an idle browser is ~200-350 MB (PSS); the page adds 1000 MB
	engine := &pool.Chromium{
		Site:     &coupa.Site{BaseURL: srv.URL(), Root: filepath.Join(tmp, "downloads")},
		Browser:  browser.Options{ExecPath: exec, Headless: true, BlockResources: true, StartTimeout: time.Minute},
		TempRoot: tmp,
	}
	p, sub := startSubscribed(t, cfg, pool.Deps{Engine: engine, Monitor: mon})

	hs := submitPOs(t, p, append([]sim.PO{heavy}, pos...))
	ev := waitEvent(t, sub, pool.EvPolicy, 2*time.Minute)
	if !strings.Contains(ev.Reason, "max_browser_mb") {
		t.Fatalf("policy event %q, want the max_browser_mb recycle", ev.Reason)
	}
	t.Logf("policy: %s", ev.Reason)
	for _, ti := range waitAll(t, hs, 3*time.Minute) {
		if ti.Result.Status != vocab.Completed {
			t.Errorf("PO%s: %s (%v)", ti.PO, ti.Result.Status, ti.Result.Err)
		}
	}
	// The recycle comes once the worker holds no task: it may follow the
	// last PO's end.
	testkit.WaitFor(t, "the heavy browser's recycle", time.Minute, func() bool { return p.Snapshot().Workers[0].Recycles >= 1 })
	w := p.Snapshot().Workers[0]
	if w.Recycles < 1 || w.Restarts != 0 {
		t.Errorf("worker: %d recycles, %d restarts; want the heavy browser recycled, not crashed", w.Recycles, w.Restarts)
	}
}
