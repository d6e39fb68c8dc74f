package pool_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/pool"
	"coupatui/vocab"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(checkNeverRan{m})
}

// checkNeverRan fails the package when a test wrote into the state shared
// by the tasks that never ran.
type checkNeverRan struct{ m *testing.M }

func (c checkNeverRan) Run() int {
	code := c.m.Run()
	if !pool.NeverRanIntact() {
		fmt.Fprintln(os.Stderr, "pool: a task that never ran had its shared run state written")
		return 1
	}
	return code
}

// realPool is a pool of real Chromium browsers working against a simulated
// Coupa; every browser profile lives under one folder so the test can prove
// none is left running or on disk.
type realPool struct {
	*pool.Pool
	srv      *sim.Server
	root     string // downloads
	profiles string // parent of the browsers' profiles
}

func startReal(t *testing.T, cfg pool.Config, opts sim.Options) *realPool {
	t.Helper()
	exec := testkit.Chromium(t)
	srv := sim.Start(t, opts)
	tmp := t.TempDir()
	rp := &realPool{srv: srv, root: filepath.Join(tmp, "downloads"), profiles: filepath.Join(tmp, "profiles")}
	if err := os.MkdirAll(rp.profiles, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rp.assertClean(t) }) // runs after startSubscribed's shutdown
	rp.Pool, _ = startSubscribed(t, cfg, pool.Deps{Engine: realEngine(exec, srv, rp.root, rp.profiles)})
	return rp
}

// realEngine launches Chromium (exec) on empty profiles under profiles, to
// work against srv with downloads under root.
func realEngine(exec string, srv *sim.Server, root, profiles string) *pool.Chromium {
	return &pool.Chromium{
		Site:        &coupa.Site{BaseURL: srv.URL(), Root: root, PRFallback: true, MarkerTimeout: 10 * time.Second},
		Browser:     browser.Options{ExecPath: exec, Headless: true, BlockResources: true, StartTimeout: time.Minute, KeepTabs: 2},
		NameWorkers: true,
		TempRoot:    profiles,
	}
}

// assertClean fails when a browser process or a profile folder is left.
func (rp *realPool) assertClean(t *testing.T) {
	t.Helper()
	if n := processesUsing(rp.profiles); len(n) > 0 {
		t.Errorf("browser processes still running after shutdown: %v", n)
	}
	if left, _ := os.ReadDir(rp.profiles); len(left) > 0 {
		t.Errorf("%d profile folders left after shutdown: %s", len(left), left[0].Name())
	}
}

// processesUsing lists the pids whose command line mentions dir.
func processesUsing(dir string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmd, []byte(dir)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func testConfig(workers int) pool.Config {
	cfg := pool.ConfigFrom(config.Default())
	cfg.WorkerCount, cfg.MinWorkers, cfg.MaxWorkers = workers, 1, 4
	cfg.WorkerStartupTimeout = time.Minute
	cfg.TaskTimeout = time.Minute
	cfg.RetryBackoff, cfg.RetryBackoffMax = 200*time.Millisecond, time.Second
	cfg.RestartBackoff, cfg.RestartBackoffMax = 100*time.Millisecond, time.Second
	cfg.HealthInterval, cfg.HealthTimeout = 2*time.Second, 2*time.Second
	return cfg
}

func waitAll(t *testing.T, hs []*pool.Handle, within time.Duration) []pool.TaskInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	out := make([]pool.TaskInfo, len(hs))
	for i, h := range hs {
		ti, err := h.Wait(ctx)
		if err != nil {
			t.Fatalf("PO%s still %s after %s: %v", ti.PO, ti.State, within, err)
		}
		out[i] = ti
	}
	return out
}

// submitPOs submits pos at normal priority.
func submitPOs(t *testing.T, p *pool.Pool, pos []sim.PO) []*pool.Handle {
	t.Helper()
	var hs []*pool.Handle
	for _, po := range pos {
		h, err := p.Submit(po.ID, vocab.Normal, pool.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	return hs
}

func simplePOs(n int, first int) []sim.PO {
	pos := make([]sim.PO, n)
	for i := range pos {
		pos[i] = sim.PO{ID: fmt.Sprint(4500100000 + first + i), Supplier: "Acme", Want: vocab.Completed,
			Attachments: []sim.Attachment{{Name: "quote.pdf", Size: 20 << 10}}}
	}
	return pos
}

func TestRealKilledBrowserTaskCompletesOnRestartedWorker(t *testing.T) {
	pos := simplePOs(2, 0)
	rp := startReal(t, testConfig(1), sim.Options{POs: pos, Latency: 1500 * time.Millisecond})
	pid0 := rp.Snapshot().Workers[0].PID
	h, _ := rp.Submit(pos[0].ID, vocab.Normal, pool.Meta{})
	// Running comes after the worker's session check, so the request in
	// flight is the PO's page, held by the simulator's latency.
	testkit.WaitFor(t, "the PO's page request", 30*time.Second, func() bool {
		return h.Status().State == vocab.TaskRunning && rp.srv.Stats().InFlight > 0
	})
	browserProcess, err := os.FindProcess(pid0)
	if err != nil {
		t.Fatal(err)
	}
	if err := browserProcess.Kill(); err != nil { // kill -9
		t.Fatal(err)
	}
	ti := waitAll(t, []*pool.Handle{h}, 2*time.Minute)[0]
	if ti.Result.Status != vocab.Completed || ti.Attempts != 2 {
		t.Fatalf("task on a killed browser: %s after %d attempts (%v), want COMPLETED after 2", ti.Result.Status, ti.Attempts, ti.Errors)
	}
	w := rp.Snapshot().Workers[0]
	if w.Restarts != 1 || w.PID == pid0 {
		t.Fatalf("worker after the kill: %d restarts, pid %d (was %d)", w.Restarts, w.PID, pid0)
	}
}

func TestRealHungPageTimesOutAndPoolGoesOn(t *testing.T) {
	pos := simplePOs(1, 10)
	pos = append(pos, sim.PO{ID: "4500109999", Supplier: "Hang Inc", Hang: true, Want: vocab.Timeout})
	cfg := testConfig(1)
	cfg.TaskTimeout, cfg.MaxRetries = 8*time.Second, 0
	rp := startReal(t, cfg, sim.Options{POs: pos})
	hung, _ := rp.Submit("4500109999", vocab.Normal, pool.Meta{})
	next, _ := rp.Submit(pos[0].ID, vocab.Normal, pool.Meta{})
	got := waitAll(t, []*pool.Handle{hung, next}, 2*time.Minute)
	if got[0].Result.Status != vocab.Timeout {
		t.Fatalf("hung page ended %s (%v), want TIMEOUT", got[0].Result.Status, got[0].Result.Err)
	}
	if got[1].Result.Status != vocab.Completed {
		t.Fatalf("the PO after the hung one ended %s (%v)", got[1].Result.Status, got[1].Result.Err)
	}
}

func TestRealCancelAndReprioritise(t *testing.T) {
	pos := simplePOs(5, 20)
	rp := startReal(t, testConfig(1), sim.Options{POs: pos, Latency: time.Second})
	pid := rp.Snapshot().Workers[0].PID
	hs := submitPOs(t, rp.Pool, pos)
	testkit.WaitFor(t, "the first PO to start", 30*time.Second, func() bool { return hs[0].Status().State == vocab.TaskRunning })
	if err := rp.Cancel(pos[1].ID); err != nil { // queued
		t.Fatal(err)
	}
	if err := rp.SetPriority(pos[4].ID, vocab.Urgent); err != nil {
		t.Fatal(err)
	}
	if err := hs[0].Cancel(); err != nil { // running
		t.Fatal(err)
	}
	got := waitAll(t, hs, 2*time.Minute)
	for i, want := range []vocab.Status{vocab.Cancelled, vocab.Cancelled, vocab.Completed, vocab.Completed, vocab.Completed} {
		if got[i].Result.Status != want {
			t.Errorf("PO%s ended %s (%v), want %s", got[i].PO, got[i].Result.Status, got[i].Result.Err, want)
		}
	}
	if n := rp.srv.Stats().Pages[pos[1].ID]; n != 0 {
		t.Errorf("the cancelled queued PO was fetched %d times", n)
	}
	if !got[4].Started.Before(got[2].Started) {
		t.Errorf("the urgent PO started at %s, after the normal one queued before it (%s)", got[4].Started, got[2].Started)
	}
	if w := rp.Snapshot().Workers[0]; w.PID != pid || w.Restarts != 0 {
		t.Errorf("cancelling a running task restarted the browser (pid %d → %d, %d restarts)", pid, w.PID, w.Restarts)
	}
}

func TestRealScaleWhileRunningProcessesEachPOOnce(t *testing.T) {
	pos := simplePOs(100, 100)
	rp := startReal(t, testConfig(2), sim.Options{POs: pos, Latency: 100 * time.Millisecond, Jitter: 50 * time.Millisecond})
	items := make([]pool.Item, len(pos))
	for i, po := range pos {
		items[i] = pool.Item{PO: po.ID, Priority: vocab.Normal}
	}
	hs, err := rp.SubmitMany(items)
	if err != nil {
		t.Fatal(err)
	}
	done := func(n int) func() bool { return func() bool { return rp.Snapshot().Counts.Done >= n } }
	testkit.WaitFor(t, "10 POs done", 2*time.Minute, done(10))
	if err := rp.Scale(4); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, "4 workers", time.Minute, func() bool { return rp.Snapshot().WorkerCount == 4 })
	testkit.WaitFor(t, "40 POs done", 2*time.Minute, done(40))
	if err := rp.Scale(1); err != nil {
		t.Fatal(err)
	}
	got := waitAll(t, hs, 5*time.Minute)
	stats := rp.srv.Stats()
	for _, ti := range got {
		if ti.Result.Status != vocab.Completed || stats.Pages[ti.PO] != 1 {
			t.Errorf("PO%s: %s, page fetched %d times (%v)", ti.PO, ti.Result.Status, stats.Pages[ti.PO], ti.Errors)
		}
	}
	if len(stats.ConcurrentPOViolations) > 0 || stats.MaxConcurrentPerPO > 1 {
		t.Errorf("POs fetched by two workers at once: %v", stats.ConcurrentPOViolations)
	}
	testkit.WaitFor(t, "one worker", time.Minute, func() bool { return rp.Snapshot().WorkerCount == 1 })
}

func TestRealShutdownMidRunLeavesNothing(t *testing.T) {
	pos := simplePOs(20, 300)
	cfg := testConfig(2)
	rp := startReal(t, cfg, sim.Options{POs: pos, Latency: 300 * time.Millisecond})
	hs := submitPOs(t, rp.Pool, pos)
	testkit.WaitFor(t, "3 POs done", 2*time.Minute, func() bool { return rp.Snapshot().Counts.Done >= 3 })
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := rp.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	if err := rp.Close(); err != nil {
		t.Fatal(err)
	}
	pending, final := 0, 0
	for _, h := range hs {
		switch ti := h.Status(); {
		case ti.State == vocab.TaskQueued:
			pending++
		case ti.State == vocab.TaskDone:
			final++
		default:
			t.Errorf("PO%s is %s after shutdown", ti.PO, ti.State)
		}
	}
	if pending == 0 || final < 3 {
		t.Errorf("after shutdown: %d pending, %d final", pending, final)
	}
	rp.assertClean(t)
	// Every PO folder got its final name, cancelled ones included.
	filepath.WalkDir(rp.root, func(path string, d os.DirEntry, err error) error {
		if d != nil && d.IsDir() && strings.HasSuffix(d.Name(), "__WORK") {
			t.Errorf("work folder left after shutdown: %s", path)
		}
		return nil
	})
}
