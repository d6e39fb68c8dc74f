package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"coupatui/config"
	"coupatui/coupa"
	"coupatui/monitor"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// The console's tests drive a real *pool.Pool on pool/pooltest's fake
// engine, so what they see is what the pool does. Most run inside a
// testing/synctest bubble: the pool's clock is the bubble's fake one (it
// starts at midnight UTC 2000-01-01), a fixture sleeps on it to space its
// tasks, and every time the console shows (elapsed, waiting, retry in,
// uptime, stamps) is exact. The tests that run Bubble Tea's program
// (teatest, Run, tmux) cannot use a bubble, since its signal handling
// reaches outside it: they build the same fixture live, on the real clock,
// and assert nothing about times.

func TestMain(m *testing.M) {
	// Goldens show the pool's stamps: format them in UTC wherever they run.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// fixture is a started pool on the fake engine, with what the test needs to
// move it along and check what reached it.
type fixture struct {
	t    testing.TB
	live bool
	p    *pool.Pool
	eng  *pooltest.Engine
	mon  *pooltest.Monitor
	rec  *pooltest.Recorder // the pool's events since the fixture was built; nil before

	mu    sync.Mutex       // guards gates: a test may release from any goroutine
	gates []*pooltest.Gate // every held attempt; release opens them
	stop  func()
}

// startFixture starts a pool for cfg. Its cleanup forces the pool's
// shutdown (a shutdown already under way is forced, not waited for) and
// waits for every goroutine the pool and the recorder started.
func startFixture(t testing.TB, live bool, cfg pool.Config) *fixture {
	t.Helper()
	f := &fixture{t: t, live: live, eng: pooltest.NewEngine(nil), mon: pooltest.NewMonitor()}
	p, err := pool.New(cfg, pool.Deps{Engine: f.eng, Monitor: f.mon, Rand: pooltest.NoJitter()})
	if err != nil {
		t.Fatal(err)
	}
	f.p = p
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.stop = sync.OnceFunc(func() {
		// Live, Close cancels what runs at once (Shutdown forces nothing:
		// a task waiting on a feed would hold the drain for ever). In a
		// bubble the drain's deadline comes at once on the fake clock; an
		// ended context would not do, since Shutdown polls it while the
		// attempts it cancelled take their stop delay, and the clock would
		// not move.
		if live {
			_ = p.Close()
		} else {
			_ = p.Shutdown(context.Background())
		}
		<-p.Stopped()
		if f.rec != nil {
			<-f.rec.Done()
		}
	})
	t.Cleanup(f.stop)
	return f
}

// drainWindow is the shutdown_timeout the fixtures' quits drain within.
const drainWindow = 2 * time.Minute

// quitPool is the pool as the console gets it from the run's quit
// controller: a graceful quit drains within drainWindow (which the
// console shows as the time left), then closes the pool; forcing closes
// it at once.
type quitPool struct{ *pool.Pool }

func (q quitPool) Shutdown(ctx context.Context) error {
	dctx, cancel := context.WithTimeout(ctx, drainWindow)
	defer cancel()
	if err := q.Pool.Shutdown(dctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return q.Pool.Close()
	}
	return nil
}

// fixtureConfig is the pool of the console's fixtures: it starts with one
// worker (the fixture scales it one worker at a time, so it knows which
// worker takes which task); retries and restarts wait longer than any test.
func fixtureConfig(live bool) pool.Config {
	cfg := pool.ConfigFrom(config.Default())
	cfg.WorkerCount, cfg.MinWorkers, cfg.MaxWorkers = 1, 1, 8
	cfg.TaskTimeout = time.Hour
	cfg.RetryBackoff, cfg.RetryBackoffMax = 30*time.Second, time.Hour
	cfg.RestartBackoff, cfg.RestartBackoffMax = time.Hour, time.Hour
	if live {
		cfg.RetryBackoff = time.Hour
	}
	return cfg
}

// advance moves the bubble's clock by d; live it does nothing.
func (f *fixture) advance(d time.Duration) {
	if !f.live {
		time.Sleep(d)
	}
}

// settle waits until cond holds: in a bubble until the pool has done all it
// can (every goroutine blocked), then cond must hold; live, by polling.
func (f *fixture) settle(what string, cond func() bool) {
	f.t.Helper()
	if !f.live {
		synctest.Wait()
		if !cond() {
			f.t.Fatalf("the pool did not reach %s:\n%+v", what, f.p.Snapshot())
		}
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("the pool did not reach %s within 10s:\n%+v", what, f.p.Snapshot())
		}
		time.Sleep(time.Millisecond)
	}
}

// submit queues po with its script.
func (f *fixture) submit(po string, prio vocab.Priority, s pooltest.Script) {
	f.t.Helper()
	f.eng.On(po, s)
	if _, err := f.p.Submit(po, prio, pool.Meta{}); err != nil {
		f.t.Fatal(err)
	}
}

// held is an attempt that reports pr and then runs until release (or its
// context) ends it; the result is then res. In a bubble it takes a second
// (of the fake clock) to give up when cancelled, as a browser leaving a
// page does, so a frame drawn right after a cancel still shows it running.
func (f *fixture) held(pr coupa.Progress, res coupa.Result) pooltest.Attempt {
	g := pooltest.NewGate()
	f.mu.Lock()
	f.gates = append(f.gates, g)
	f.mu.Unlock()
	a := pooltest.Attempt{Gate: g, Result: res, StopDelay: time.Second}
	if !reflect.DeepEqual(pr, coupa.Progress{}) {
		a.Progress = []coupa.Progress{pr}
	}
	if f.live {
		a.StopDelay = 0
	}
	return a
}

// release lets every held attempt finish with its result.
func (f *fixture) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, g := range f.gates {
		g.Open()
	}
}

func (f *fixture) task(po string) pool.TaskInfo {
	ti, _ := f.p.Task(po)
	return ti
}

func (f *fixture) taskIs(po string, s vocab.TaskState) func() bool {
	return func() bool { return f.task(po).State == s }
}

func (f *fixture) workerIs(id int, s pool.WorkerState) func() bool {
	return func() bool {
		for _, w := range f.p.Snapshot().Workers {
			if w.ID == id {
				return w.State == s
			}
		}
		return false
	}
}

// record starts keeping the pool's events: what the test's own actions
// (the console's commands) cause from now on.
func (f *fixture) record() { f.rec = pooltest.Record(f.p) }

// commands are the recorded events that commands cause, in order, in a
// form tests compare: "queued PO PRIO", "priority PO PRIO", "cancelled PO:
// why", "scaled: from → to", "paused", "resumed", "draining", "signed in".
// In a bubble it first lets the pool and the recorder settle.
func (f *fixture) commands() []string {
	if !f.live {
		synctest.Wait()
	}
	var out []string
	for _, ev := range f.rec.Events() {
		switch ev.Kind {
		case pool.EvTaskQueued:
			out = append(out, fmt.Sprintf("queued %s %s", ev.Task.PO, ev.Task.Priority))
		case pool.EvTaskReprioritised:
			out = append(out, fmt.Sprintf("priority %s %s", ev.Task.PO, ev.Task.Priority))
		case pool.EvTaskCancelled:
			out = append(out, fmt.Sprintf("cancelled %s: %s", ev.Task.PO, ev.Reason))
		case pool.EvPoolScaled:
			out = append(out, "scaled: "+ev.Reason)
		case pool.EvPoolPaused:
			out = append(out, "paused")
		case pool.EvPoolResumed:
			out = append(out, "resumed")
		case pool.EvPoolDraining:
			out = append(out, "draining")
		case pool.EvSignInRestored:
			out = append(out, "signed in")
		}
	}
	return out
}

// countCommands counts the commands starting with prefix.
func (f *fixture) countCommands(prefix string) int {
	n := 0
	for _, c := range f.commands() {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// draining reports whether a Shutdown has begun.
func (f *fixture) draining() bool { return f.p.Snapshot().State == pool.PoolDraining }

// The main fixture's POs.
const (
	poRunning1, poRunning2, poRunning3 = "4500000101", "4500000102", "4500000103"
	poRetrying                         = "4500000301"
)

var fixtureFiles = []string{"quote.pdf", "invoice.pdf"}

// fixturePool is a run in progress, 75 seconds after the pool started
// (times on the bubble's clock):
//
//   - W1 finished one task of each final kind: PO…401 COMPLETED (t=0–8s),
//     …402 FAILED (8–20s), …403 NO_ATTACHMENTS (20–27s), …404 cancelled by
//     the operator at 33s (its attempt gave up at 34s); then it took …101
//     at 35s;
//   - W2 and W3 joined and took …102 at 45s and …103 at 55s; each running
//     task is downloading (1/5, 2/5, 3/5 files) and holds until release;
//   - W4 joined, ran …301 (HIGH), which failed with a 503 at 57s and
//     retries at 87s; then its browser died: it is restarting (in an hour);
//   - six tasks of every priority were queued at 60–65s; with every live
//     worker busy they wait;
//   - a memory sample came at 70s.
func fixturePool(t testing.TB) *fixture { return buildFixture(t, false) }

// liveFixturePool is the same run on the real clock, for the tests that
// run Bubble Tea's program.
func liveFixturePool(t testing.TB) *fixture { return buildFixture(t, true) }

func buildFixture(t testing.TB, live bool) *fixture {
	t.Helper()
	f := startFixture(t, live, fixtureConfig(live))
	acme := func(po string, st vocab.Status, found, downloaded int, err error) coupa.Result {
		return coupa.Result{Status: st, Supplier: "ACME Corp", Found: found, Downloaded: downloaded,
			Files: fixtureFiles[:downloaded], Folder: "/data/ACME Corp/PO" + po + "_" + string(st), Err: err}
	}
	finish := func(po string, res coupa.Result, took time.Duration) {
		t.Helper()
		a := f.held(coupa.Progress{Phase: "downloading", Found: res.Found}, res)
		f.submit(po, vocab.Normal, a)
		f.settle("PO"+po+" running", f.taskIs(po, vocab.TaskRunning))
		f.advance(took)
		a.Gate.Open()
		f.settle("PO"+po+" done", f.taskIs(po, vocab.TaskDone))
	}
	finish("4500000401", acme("4500000401", vocab.Completed, 2, 2, nil), 8*time.Second)
	finish("4500000402", acme("4500000402", vocab.Failed, 2, 1, errors.New("download cut short")), 12*time.Second)
	finish("4500000403", acme("4500000403", vocab.NoAttachments, 0, 0, nil), 7*time.Second)

	f.submit("4500000404", vocab.Normal, f.held(coupa.Progress{Phase: "downloading", Found: 2, Done: 1}, coupa.Result{}))
	f.settle("PO4500000404 running", f.taskIs("4500000404", vocab.TaskRunning))
	f.advance(6 * time.Second)
	if err := f.p.Cancel("4500000404"); err != nil {
		t.Fatal(err)
	}
	f.advance(time.Second) // the attempt gives up
	f.settle("PO4500000404 cancelled", f.taskIs("4500000404", vocab.TaskDone))
	f.advance(time.Second)

	// One running task per worker: W1 at 35s, W2 at 45s, W3 at 55s.
	for i, po := range []string{poRunning1, poRunning2, poRunning3} {
		if i > 0 {
			f.advance(10 * time.Second)
		}
		f.submit(po, vocab.Normal, f.held(coupa.Progress{Phase: "downloading", Found: 5, Done: i + 1},
			acme(po, vocab.Completed, 2, 2, nil)))
		f.settle("PO"+po+" running", f.taskIs(po, vocab.TaskRunning))
		if err := f.p.Scale(i + 2); err != nil {
			t.Fatal(err)
		}
		f.settle(fmt.Sprintf("W%d idle", i+2), f.workerIs(i+2, pool.WorkerIdle))
	}

	// W4 fails PO…301 with a 503 at 57s, then its browser dies.
	f.advance(2 * time.Second)
	fail := pooltest.Attempt{Result: coupa.Result{Status: vocab.Failed, Err: errors.New("server answered 503"), Retryable: true}}
	f.submit(poRetrying, vocab.High, pooltest.Attempts(fail, f.held(coupa.Progress{Phase: "downloading", Found: 1},
		acme(poRetrying, vocab.Completed, 1, 1, nil))))
	f.settle("PO"+poRetrying+" retrying", f.taskIs(poRetrying, vocab.TaskRetrying))
	f.settle("W4 idle again", f.workerIs(4, pool.WorkerIdle))
	f.eng.Browser(4).Kill()
	f.settle("W4 restarting", f.workerIs(4, pool.WorkerRestarting))

	// Six queued tasks, one a second from 60s.
	f.advance(3 * time.Second)
	queued := []struct {
		po   string
		prio vocab.Priority
	}{
		{"4500000201", vocab.Normal}, {"4500000202", vocab.Urgent}, {"4500000203", vocab.Low},
		{"4500000204", vocab.High}, {"4500000205", vocab.Normal}, {"4500000206", vocab.Normal},
	}
	for i, q := range queued {
		if i > 0 {
			f.advance(time.Second)
		}
		f.submit(q.po, q.prio, f.held(coupa.Progress{Phase: "downloading", Found: 3}, acme(q.po, vocab.Completed, 2, 2, nil)))
	}
	f.settle("six queued", func() bool { return f.p.Snapshot().Counts.Queued == 6 })

	f.advance(5 * time.Second)
	f.sample(0.62, 31, 300, 340, 380)
	f.advance(5 * time.Second)
	f.record()
	return f
}

// sample hands the pool a memory reading: used ratio, machine CPU and the
// memory of W1, W2, … in MB, of 8 GB in all.
func (f *fixture) sample(used, cpu float64, workerMB ...uint64) {
	f.t.Helper()
	trees := map[int]monitor.ProcTree{}
	for i, mb := range workerMB {
		trees[i+1] = monitor.ProcTree{Bytes: mb << 20, Kind: "pss", CPU: float64(10 + 5*i)}
	}
	const total = 8 << 30
	f.mon.Send(monitor.Sample{Time: time.Now(), UsedRatio: used, TotalBytes: total,
		AvailableBytes: uint64((1 - used) * total), CPUPercent: cpu, Pressure: monitor.Ok, Trees: trees})
	f.settle("the memory sample applied", func() bool { return f.p.Snapshot().Resources.TotalBytes == total })
}

// plainPool is a started pool of workers idle workers, the bubble's clock
// at its start, recording.
func plainPool(t testing.TB, workers int, tweak func(*pool.Config)) *fixture {
	t.Helper()
	cfg := fixtureConfig(false)
	cfg.WorkerCount = workers
	if tweak != nil {
		tweak(&cfg)
	}
	f := startFixture(t, false, cfg)
	f.settle(fmt.Sprintf("%d idle workers", workers), func() bool {
		s := f.p.Snapshot()
		for _, w := range s.Workers {
			if w.State != pool.WorkerIdle {
				return false
			}
		}
		return len(s.Workers) == workers
	})
	f.record()
	return f
}
