package ui

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// Queue positions of the fixture (display order, finished tasks included).
const (
	posRunning1  = 0  // PO4500000101, running on W1
	posUrgent    = 3  // PO4500000202, queued URGENT
	posLow       = 8  // PO4500000203, queued LOW
	posRetrying  = 9  // PO4500000301
	posFailed    = 12 // PO4500000402, FAILED
	posCompleted = 13 // PO4500000401, COMPLETED
)

// selectQueue focuses the queue and moves the selection to pos.
func selectQueue(m *Model, pos int) {
	m.focus = paneQueue
	press(m, "g")
	for range pos {
		press(m, "j")
	}
}

func TestUpdateFlows(t *testing.T) {
	tests := []struct {
		name      string
		pool      func(t *testing.T) *fixture // nil: fixturePool
		setup     func(f *fixture, m *Model)
		keys      []string
		wantCalls []string // exactly what the keys made the pool do (fixture.commands)
		want      []string // on screen afterwards
		notWant   []string
	}{
		{
			name:      "cancel asks and y confirms",
			setup:     func(_ *fixture, m *Model) { selectQueue(m, posUrgent) },
			keys:      []string{"x", "y"},
			wantCalls: []string{"cancelled 4500000202: cancelled by operator"},
			want:      []string{"✓ PO4500000202 cancelled"},
		},
		{
			name:    "cancel prompt names the PO",
			setup:   func(_ *fixture, m *Model) { selectQueue(m, posUrgent) },
			keys:    []string{"x"},
			want:    []string{"Cancel PO4500000202? [y/N]"},
			notWant: []string{"PO4500000202 cancelled"},
		},
		{
			name:  "cancel of a running task says where it runs",
			setup: func(_ *fixture, m *Model) { selectQueue(m, posRunning1) },
			keys:  []string{"x"},
			want:  []string{"Cancel PO4500000101? It is running on W1. [y/N]"},
		},
		{
			name:  "enter is not yes",
			setup: func(_ *fixture, m *Model) { selectQueue(m, posUrgent) },
			keys:  []string{"x", "enter"},
			want:  []string{"✓ PO4500000202 kept"},
		},
		{
			name:  "esc cancels the confirm",
			setup: func(_ *fixture, m *Model) { selectQueue(m, posUrgent) },
			keys:  []string{"x", "esc"},
			want:  []string{"✓ PO4500000202 kept"},
		},
		{
			name:  "n and any other key are no",
			setup: func(_ *fixture, m *Model) { selectQueue(m, posUrgent) },
			keys:  []string{"x", "n", "x", "q", "x", "Y"},
			// Y is yes too; q in the prompt answered no and did not quit.
			wantCalls: []string{"cancelled 4500000202: cancelled by operator"},
		},
		{
			name:  "cancel from the workers pane targets the worker's task",
			setup: func(_ *fixture, m *Model) { m.focus = paneWorkers; press(m, "j") },
			keys:  []string{"x", "y"},
			// W2 runs PO4500000102.
			wantCalls: []string{"cancelled 4500000102: cancelled by operator"},
		},
		{
			name:      "typing in the add input swallows q, x and +",
			keys:      []string{"a", "q", "space", "x", "space", "+", "space", "4", "5", "0", "0", "9", "9", "9", "9", "9", "9", "enter"},
			wantCalls: []string{"queued 4500999999 NORMAL"},
			want:      []string{"added 1 PO as NORMAL: PO4500999999", "not PO numbers: q x +"},
		},
		{
			name:    "typing in the filter swallows q, x and +",
			keys:    []string{"/", "q", "x", "+"},
			want:    []string{"/qx+", "no task matches \"qx+\""},
			notWant: []string{"Quitting"},
		},
		{
			name:    "filter narrows the queue and esc clears it",
			keys:    []string{"/", "4", "0", "2", "enter"},
			want:    []string{"queue filtered by \"402\"", "PO4500000402", "1–1 of 1"},
			notWant: []string{"PO4500000201"},
		},
		{
			name: "esc clears the queue filter and never quits",
			keys: []string{"/", "4", "0", "2", "enter", "esc", "esc"},
			want: []string{"queue filter cleared", "PO4500000101"},
		},
		{
			name:      "add takes several numbers and a priority",
			keys:      append(append([]string{"a"}, strings.Split("PO4500000901,4500000902", "")...), "tab", "u", "enter"),
			wantCalls: []string{"queued 4500000901 URGENT", "queued 4500000902 URGENT"},
			want:      []string{"added 2 POs as URGENT: PO4500000901 PO4500000902"},
		},
		{
			name:    "add with nothing valid keeps the dialog open",
			keys:    []string{"a", "a", "b", "c", "enter"},
			want:    []string{"Add POs", "not PO numbers: abc"},
			notWant: []string{"added"},
		},
		{
			name:      "add of a PO already queued says so",
			keys:      append(append([]string{"a"}, strings.Split("4500000201", "")...), "enter"),
			wantCalls: nil,
			want:      []string{"already in the queue: PO4500000201"},
		},
		{
			name:      "u moves a queued task to URGENT",
			setup:     func(_ *fixture, m *Model) { selectQueue(m, posLow) },
			keys:      []string{"u"},
			wantCalls: []string{"priority 4500000203 URGENT"},
			want:      []string{"✓ PO4500000203 moved to URGENT"},
		},
		{
			name:      "h, n and l reach the pool",
			setup:     func(_ *fixture, m *Model) { selectQueue(m, posRetrying) },
			keys:      []string{"h", "n", "l"},
			wantCalls: []string{"priority 4500000301 HIGH", "priority 4500000301 NORMAL", "priority 4500000301 LOW"},
			want:      []string{"✓ PO4500000301 moved to LOW"},
		},
		{
			name:      "a running task cannot be reprioritised",
			setup:     func(_ *fixture, m *Model) { selectQueue(m, posRunning1) },
			keys:      []string{"u"},
			wantCalls: nil, // the pool refused: nothing changed
			want:      []string{"✗ PO4500000101 is not waiting in the queue"},
		},
		{
			name: "scale up to the maximum, then an error",
			keys: []string{"+", "+", "+", "+", "+"},
			wantCalls: []string{"scaled: target 4 → 5 workers", "scaled: target 5 → 6 workers",
				"scaled: target 6 → 7 workers", "scaled: target 7 → 8 workers"},
			want: []string{"✗ already at the maximum of 8 workers"},
		},
		{
			name:      "scale down to the minimum, then an error",
			pool:      func(t *testing.T) *fixture { return plainPool(t, 4, func(c *pool.Config) { c.MinWorkers = 3 }) },
			keys:      []string{"-", "-"},
			wantCalls: []string{"scaled: target 4 → 3 workers"},
			want:      []string{"✗ already at the minimum of 3 workers"},
		},
		{
			name:      "a scale refused by the pool shows its error",
			pool:      func(t *testing.T) *fixture { return plainPool(t, 4, func(c *pool.Config) { c.MaxWorkers = 4 }) },
			setup:     func(_ *fixture, m *Model) { m.c.snap.MaxWorkers = 0 }, // skip the console's own check
			keys:      []string{"="},
			wantCalls: nil, // the pool refused
			want:      []string{"✗ cannot scale to 5 workers: scale to 5: worker count out of range"},
		},
		{
			name:      "p pauses and resumes",
			keys:      []string{"p", "p"},
			wantCalls: []string{"paused", "resumed"},
			want:      []string{"✓ resumed"},
		},
		{
			name:      "r retries a failed task",
			setup:     func(_ *fixture, m *Model) { selectQueue(m, posFailed) },
			keys:      []string{"r"},
			wantCalls: []string{"queued 4500000402 NORMAL"},
			want:      []string{"✓ PO4500000402 queued again"},
		},
		{
			name:      "r on a completed task is refused",
			setup:     func(_ *fixture, m *Model) { selectQueue(m, posCompleted) },
			keys:      []string{"r"},
			wantCalls: nil,
			want:      []string{"✗ PO4500000401 has not failed; nothing to retry"},
		},
		{
			name:  "enter opens task details: attempts, errors, files, folder",
			setup: func(_ *fixture, m *Model) { selectQueue(m, posFailed) },
			keys:  []string{"enter"},
			want: []string{"Task PO4500000402", "attempt 1", "Errors (1)", "attempt 1: download cut short",
				"Files (1)", "quote.pdf", "Folder /data/ACME Corp/PO4500000402_FAILED"},
		},
		{
			name:    "esc closes details",
			setup:   func(_ *fixture, m *Model) { selectQueue(m, posFailed) },
			keys:    []string{"enter", "esc"},
			notWant: []string{"Errors (1)"},
		},
		{
			name: "enter on a worker shows the worker and its task",
			keys: []string{"shift+tab", "j", "enter"},
			want: []string{"Worker W2", "Browser PID 1002", "PO4500000102", "running on W2"},
		},
		{
			name: "? shows help generated from the keymap",
			keys: []string{"?"},
			want: []string{"Keys (? or esc closes", "URGENT: the marked tasks, else all filtered, else the selected", "sort the queue by the next column"},
		},
		{
			name: "help scrolls to its end",
			keys: []string{"?", "G"},
			want: []string{"quit gracefully"},
		},
		{
			name:    "q in help closes help and does not quit",
			keys:    []string{"?", "q"},
			notWant: []string{"Keys (?", "Quitting"},
		},
		{
			name: "tab moves focus around the panes",
			keys: []string{"tab", "tab"},
			// queue → resources → log; the log pane has the heavy border.
			want: []string{"┏━ Log"},
		},
		{
			name:    "d hides finished tasks",
			keys:    []string{"d"},
			want:    []string{"Queue (unfinished)", "1–10 of 10", "the queue shows unfinished tasks only"},
			notWant: []string{"COMPLETED"},
		},
		{
			name: "s before the end says the run is not finished",
			keys: []string{"s"},
			want: []string{"✗ the run is not finished yet"},
		},
		{
			name: "L when no sign-in is pending is refused",
			keys: []string{"L"},
			want: []string{"✗ the pool is not waiting for a sign-in"},
		},
		{
			// The pool reports unfinished tasks as PENDING, as the results do.
			name:    "a pending filter shows every unfinished task",
			keys:    append(append([]string{"/"}, strings.Split("pending", "")...), "enter"),
			want:    []string{`queue filtered by "pending"`, "PO4500000101", "PO4500000203", "PO4500000301", "1–10 of 10"},
			notWant: []string{"PO4500000401"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				mk := tc.pool
				if mk == nil {
					mk = func(t *testing.T) *fixture { return fixturePool(t) }
				}
				f := mk(t)
				m := newSized(testOptions(f, fixtureLogs()), 120, 40)
				if tc.setup != nil {
					tc.setup(f, m)
				}
				press(m, tc.keys...)
				scr := screen(m)
				f.advance(time.Second) // a cancelled attempt gives up
				if calls := f.commands(); !slices.Equal(calls, tc.wantCalls) && !(len(calls) == 0 && len(tc.wantCalls) == 0) {
					t.Errorf("the pool did %q, want %q", calls, tc.wantCalls)
				}
				for _, w := range tc.want {
					if !strings.Contains(scr, w) {
						t.Errorf("want %q on screen:\n%s", w, scr)
					}
				}
				for _, w := range tc.notWant {
					if strings.Contains(scr, w) {
						t.Errorf("do not want %q on screen:\n%s", w, scr)
					}
				}
			})
		})
	}
}

func TestPasteIntoAddAcceptsNewLines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fixturePool(t)
		m := newSized(testOptions(f, nil), 120, 40)
		press(m, "a")
		m.Update(tea.PasteMsg{Content: "4500000911\nPO-4500000912\r\n4500000913;4500000911"})
		press(m, "enter")
		want := []string{"queued 4500000911 NORMAL", "queued 4500000912 NORMAL", "queued 4500000913 NORMAL"}
		if got := f.commands(); !slices.Equal(got, want) {
			t.Fatalf("the pool did %q, want %q", got, want)
		}
	})
}

func TestPasteWithoutInputFiresNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fixturePool(t)
		m := newSized(testOptions(f, nil), 120, 40)
		m.Update(tea.PasteMsg{Content: "qx+-p"})
		if got := f.commands(); len(got) != 0 {
			t.Fatalf("a paste fired commands: %q", got)
		}
		if m.quit != phaseRunning {
			t.Fatal("a paste started quitting")
		}
	})
}

// runningPOs are the fixture's running tasks.
var runningPOs = []string{poRunning1, poRunning2, poRunning3}

// assertEnded checks how the fixture's running tasks ended.
func assertEnded(t *testing.T, f *fixture, want vocab.Status) {
	t.Helper()
	for _, po := range runningPOs {
		if ti := f.task(po); ti.State != vocab.TaskDone || ti.Result.Status != want {
			t.Errorf("PO%s ended %s %s, want %s", po, ti.State, ti.Result.Status, want)
		}
	}
}

// The first quit key returns the command that runs the graceful Shutdown;
// the test runs it to its message, the way Bubble Tea would, and feeds it
// back.
func TestQuitDrainsThenSecondQAsksThenForces(t *testing.T) {
	for _, second := range []string{"q", "ctrl+c"} {
		t.Run(second, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := fixturePool(t)
				m := newSized(testOptions(f, nil), 120, 40)

				drainCmd := press(m, "q")[0]
				if drainCmd == nil {
					t.Fatal("q returned no command")
				}
				f.settle("draining", f.draining) // the graceful Shutdown runs off the event loop
				m.Update(tickMsg(time.Now()))
				scr := screen(m)
				mustContain(t, scr, "Quitting: 3 running tasks to finish · 2m00s left · q again forces")
				mustContain(t, scr, " DRAINING ")

				press(m, second)
				mustContain(t, screen(m), "Force quit? 3 running tasks will be cancelled. [y/N]")
				if n := f.countCommands("draining"); n != 1 {
					t.Fatalf("asking must not force: %d shutdown phases", n)
				}
				forceCmd := press(m, "y")[0]
				mustContain(t, screen(m), "Forcing: cancelling 3 running tasks")
				if forceCmd == nil {
					t.Fatal("y returned no command")
				}
				if msg := forceCmd(); msg != (forceDoneMsg{}) {
					t.Fatalf("force finished with %#v", msg)
				}
				if n := f.countCommands("draining"); n != 2 {
					t.Fatalf("force must close the pool: %d shutdown phases", n)
				}
				assertEnded(t, f, vocab.Cancelled)
				_, quit := m.Update(drainCmd())
				if quit == nil || quit() != (tea.QuitMsg{}) {
					t.Fatal("the console did not quit after the shutdown finished")
				}
			})
		})
	}
}

func TestQuitSecondQNoKeepsDraining(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fixturePool(t)
		m := newSized(testOptions(f, nil), 120, 40)
		drainCmd := press(m, "q")[0]
		f.settle("draining", f.draining)
		press(m, "q", "enter")
		mustContain(t, screen(m), "✓ still draining")
		if n := f.countCommands("draining"); n != 1 {
			t.Fatalf("enter forced the quit: %d shutdown phases", n)
		}
		f.release() // the running tasks finish within the drain
		if msg := drainCmd(); msg != (shutdownDoneMsg{}) {
			t.Fatalf("drain finished with %#v", msg)
		}
		assertEnded(t, f, vocab.Completed)
	})
}

func TestSignalDrainsThenForcesWithoutAsking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fixturePool(t)
		m := newSized(testOptions(f, nil), 120, 40)
		if filtered := quitFilter(m, tea.QuitMsg{}); filtered != (signalQuitMsg{}) {
			t.Fatalf("SIGTERM's QuitMsg became %#v", filtered)
		}
		_, drainCmd := m.Update(signalQuitMsg{})
		f.settle("draining", f.draining)
		_, forceCmd := m.Update(signalQuitMsg{})
		if forceCmd == nil {
			t.Fatal("a second signal did not force")
		}
		forceCmd()
		assertEnded(t, f, vocab.Cancelled)
		_, quit := m.Update(drainCmd())
		if quit() != (tea.QuitMsg{}) {
			t.Fatal("no quit after the shutdown")
		}
		if filtered := quitFilter(m, tea.QuitMsg{}); filtered != (tea.QuitMsg{}) {
			t.Fatal("the console's own quit was filtered")
		}
	})
}

func TestRunEndShowsSummaryAndExitWhenDoneQuits(t *testing.T) {
	for _, exit := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			f := plainPool(t, 2, nil)
			for i, st := range []vocab.Status{vocab.Completed, vocab.Completed, vocab.Failed, vocab.NoAttachments} {
				f.submit(fmt.Sprintf("45000005%d0", i), vocab.Normal, pooltest.Attempt{Result: coupa.Result{Status: st}})
			}
			f.settle("every task final", func() bool { return f.p.Snapshot().Counts.Done == 4 })
			f.advance(75 * time.Second)
			opts := testOptions(f, nil)
			opts.ExitWhenDone = exit
			m := New(opts)
			m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			_, cmd := m.Update(tickMsg(time.Now()))
			scr := screen(m)
			for _, w := range []string{"Run finished", "Every task is final. 4 tasks in 1:15", "✓ COMPLETED", "2",
				"✗ FAILED", "TOTAL", "Downloads  /data", "Results    /work/in/pos_results.xlsx (written when you quit)", " FINISHED "} {
				mustContain(t, scr, w)
			}
			if exit {
				if m.quit != phaseDraining || cmd == nil {
					t.Fatal("--exit-when-done did not start the shutdown")
				}
				m.bg.wait()
				if s := f.p.Snapshot().State; s != pool.PoolStopped {
					t.Fatalf("pool %s after --exit-when-done's shutdown", s)
				}
				return
			}
			if m.quit != phaseRunning {
				t.Fatal("the console quit by itself without --exit-when-done")
			}
			press(m, "esc")
			mustContain(t, screen(m), "Workers 2/2")
			press(m, "s")
			mustContain(t, screen(m), "Run finished")
		})
	}
}

// TestSignInEventThenL: the session expires mid-run, the pool pauses on
// Coupa's sign-in wall, the console says what to do, and L resumes it.
func TestSignInEventThenL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := plainPool(t, 1, nil)
		m := newSized(testOptions(f, nil), 120, 40)
		f.eng.SetSignedIn(false)
		f.submit("4500000601", vocab.Normal, pooltest.Complete)
		f.settle("sign-in required", func() bool { return f.p.Snapshot().State == pool.PoolSignInRequired })
		var batch eventsMsg // what the bridge would deliver
		for _, ev := range f.rec.Events() {
			batch.add(ev)
		}
		m.Update(batch)
		mustContain(t, screen(m), "Coupa asks to sign in again: run `coupatui login` in another terminal, then press L")
		mustContain(t, screen(m), " SIGN-IN REQUIRED ")

		f.eng.SetSignedIn(true) // the operator ran coupatui login
		cmds := press(m, "L")
		if cmds[0] == nil {
			t.Fatal("L returned no command")
		}
		m.Update(cmds[0]())
		mustContain(t, screen(m), "signed in again; dispatching resumed")
		if !slices.Contains(f.commands(), "signed in") {
			t.Fatal("the pool was not told of the new sign-in")
		}
		f.settle("the task ran after the sign-in", func() bool {
			ti := f.task("4500000601")
			return ti.State == vocab.TaskDone && ti.Result.Status == vocab.Completed
		})
	})
}

// Issue 11 item 8, the console's half: a full disk pauses the pool, the
// console says where and what to do ("free space, then press p"), the PO
// goes back to the queue rather than failing, and p resumes it.
func TestDiskFullPausesUntilP(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := plainPool(t, 1, nil)
		m := newSized(testOptions(f, nil), 120, 40)
		const work = "/dl/Acme/PO4500000701__WORK"
		full := pooltest.ScriptFunc(func(context.Context, *pooltest.Browser, coupa.Job, func(coupa.Progress)) coupa.Result {
			err := &fs.PathError{Op: "write", Path: work + "/quote.pdf", Err: syscall.ENOSPC}
			return coupa.Result{PO: "4500000701", Status: vocab.Partial, Found: 2, Downloaded: 1,
				Err: fmt.Errorf("download quote.pdf: %w", err), Retryable: true}
		})
		f.submit("4500000701", vocab.Normal, pooltest.Attempts(full, pooltest.Complete))
		f.settle("paused by the full disk", func() bool {
			s := f.p.Snapshot()
			return s.State == pool.PoolPaused && len(s.Holds) == 1 && s.Holds[0].Hold == pool.HoldDiskFull
		})
		if ti := f.task("4500000701"); ti.State != vocab.TaskQueued {
			t.Fatalf("PO %s after the full disk: want it back in the queue", ti.State)
		}
		var batch eventsMsg // what the bridge would deliver
		for _, ev := range f.rec.Events() {
			batch.add(ev)
		}
		m.Update(batch)
		mustContain(t, screen(m), "disk full at "+work+": free space, then press p")

		press(m, "p") // the operator freed space
		f.settle("the PO completed after p", func() bool {
			ti := f.task("4500000701")
			return ti.State == vocab.TaskDone && ti.Result.Status == vocab.Completed
		})
		if s := f.p.Snapshot(); s.State != pool.PoolRunning || len(s.Holds) != 0 {
			t.Fatalf("after p: state %s, holds %+v", s.State, s.Holds)
		}
	})
}

func TestTooSmall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newSized(testOptions(fixturePool(t), nil), 50, 12)
		if got, want := screen(m), "terminal too small — need 64×18 (now 50×12)"; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		mustContain(t, screen(m), "Workers 4/4")
	})
}

func TestLogFollowsUnlessScrolledUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lb := fixtureLogs()
		lg := slog.New(lb)
		for i := range 10 {
			lg.Info("filler", "n", i)
		}
		m := newSized(testOptions(fixturePool(t), lb), 80, 24)
		m.focus = paneLog
		mustContain(t, screen(m), "following")
		press(m, "k")
		mustContain(t, screen(m), "↑ 1 newer below")
		lg.Info("later entry")
		m.Update(tickMsg(time.Now()))
		mustContain(t, screen(m), "↑ 2 newer below") // the same lines stay in view
		press(m, "G")
		mustContain(t, screen(m), "later entry")
		mustContain(t, screen(m), "following")
	})
}

func TestLogFilter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newSized(testOptions(fixturePool(t), fixtureLogs()), 120, 40)
		press(m, "tab", "tab", "/", "5", "0", "3", "enter")
		scr := screen(m)
		mustContain(t, scr, "server answered 503")
		mustContain(t, scr, `filter "503"`)
		if strings.Contains(scr, "pool started") {
			t.Fatal("the log filter let a non-matching entry through")
		}
		if m.queue.filter != "" {
			t.Fatal("the log filter changed the queue's")
		}
		press(m, "esc")
		mustContain(t, screen(m), "pool started")
	})
}

// limitSpy records the windows the console asks the pool for.
type limitSpy struct {
	Pool
	limits []int
}

func (s *limitSpy) Tasks(q pool.TaskQuery) pool.TaskPage {
	s.limits = append(s.limits, q.Limit)
	return s.Pool.Tasks(q)
}

func TestQueueAsksOnlyForVisibleRows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := fixturePool(t)
		spy := &limitSpy{Pool: f.p}
		opts := testOptions(f, nil)
		opts.Pool = spy
		m := New(opts)
		m.Init()                                           // before the first size: nothing to show yet
		m.Update(tea.WindowSizeMsg{Width: 50, Height: 10}) // too small
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		if len(spy.limits) == 0 {
			t.Fatal("the queue never asked for tasks")
		}
		for _, l := range spy.limits {
			if l <= 0 || l > 40 {
				t.Fatalf("asked for a window of %d tasks: %v", l, spy.limits)
			}
		}
	})
}

func TestDrainWithNothingRunningSaysWhatItWaitsFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := plainPool(t, 2, nil)
		if err := f.p.Pause(); err != nil {
			t.Fatal(err)
		}
		f.submit("4500000201", vocab.Normal, pooltest.Complete)
		m := newSized(testOptions(f, nil), 120, 40)
		press(m, "q")
		mustContain(t, screen(m), "Quitting: no task running; stopping the workers…")
		m.bg.wait()
		if ti := f.task("4500000201"); ti.State != vocab.TaskQueued {
			t.Fatalf("the queued task after the shutdown: %s, want queued (PENDING)", ti.State)
		}
	})
}
