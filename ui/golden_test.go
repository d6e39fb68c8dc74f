package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"coupatui/pool"
	"coupatui/vocab"
)

// Goldens are plain text (styles stripped, NoColor) of a real pool on the
// fake engine in a synctest bubble (fixturePool), so every time they show
// is exact; regenerate them with go test ./ui -run Golden -update.

var goldenSizes = [][2]int{{80, 24}, {120, 40}, {200, 60}}

// frame is one rendered block to compare with its golden file.
type frame struct {
	name string
	out  string
}

// checkFrames compares each frame with its golden file in a subtest of its
// own (subtests cannot run inside a bubble, so frames are drawn first).
func checkFrames(t *testing.T, w int, frames []frame) {
	for _, fr := range frames {
		t.Run(fr.name, func(t *testing.T) {
			assertFrame(t, fr.out, w)
			golden.RequireEqual(t, ansi.Strip(fr.out))
		})
	}
}

func TestGoldenPanes(t *testing.T) {
	for _, sz := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			var frames []frame
			synctest.Test(t, func(t *testing.T) {
				m := newSized(testOptions(fixturePool(t), fixtureLogs()), sz[0], sz[1])
				m.c.ok("PO4500000202 moved to URGENT")
				frames = append(frames, frame{"screen", m.View().Content},
					frame{"header", renderHeader(&m.c, m.headerState(), m.lay.w)})
				for id := range paneCount {
					frames = append(frames, frame{id.String(), m.pane(id).View(id == m.focus)})
				}
				frames = append(frames, frame{"status", fit(m.renderStatus(), m.lay.w)},
					frame{"footer", fit(m.renderFooter(), m.lay.w)})
			})
			checkFrames(t, sz[0], frames)
		})
	}
}

func TestGoldenTooSmall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newSized(testOptions(fixturePool(t), nil), 63, 30)
		golden.RequireEqual(t, screen(m))
	})
}

// TestGoldenViews covers what covers the panes (help, details, the add
// dialog, a confirm prompt, a filter, the run summary) and the pool's
// states beyond running: paused, draining, sign-in required.
func TestGoldenViews(t *testing.T) {
	views := []struct {
		name string
		keys []string
		prep func(f *fixture, m *Model)
	}{
		{"help", []string{"?"}, nil},
		{"details", nil, func(_ *fixture, m *Model) { selectQueue(m, posFailed); press(m, "enter") }},
		{"worker", []string{"shift+tab", "enter"}, nil},
		{"add", []string{"a", "4", "5", "0", "0", ",", "x", "tab", "right"}, nil},
		{"confirm", nil, func(_ *fixture, m *Model) { selectQueue(m, posUrgent); press(m, "x") }},
		{"filter", []string{"/", "r", "u", "n"}, nil},
		{"paused", []string{"p"}, nil},
		{"draining", nil, func(f *fixture, m *Model) {
			press(m, "q")
			f.settle("draining", f.draining)
			m.Update(tickMsg(time.Now()))
		}},
		{"signin", nil, func(f *fixture, m *Model) {
			// The session expires; the first task a new worker takes
			// meets the wall and goes back to the queue.
			f.eng.SetSignedIn(false)
			if err := f.p.Scale(5); err != nil {
				f.t.Fatal(err)
			}
			f.settle("sign-in required", func() bool { return f.p.Snapshot().State == pool.PoolSignInRequired })
			var batch eventsMsg
			for _, ev := range f.rec.Events() {
				batch.add(ev)
			}
			m.Update(batch)
		}},
		{"summary", nil, func(f *fixture, m *Model) {
			// The operator cancels what waits; the running tasks finish.
			for _, ti := range f.p.Tasks(pool.TaskQuery{}).Tasks {
				if ti.State != vocab.TaskRunning {
					if err := f.p.Cancel(ti.PO); err != nil {
						f.t.Fatal(err)
					}
				}
			}
			f.release()
			f.settle("every task final", func() bool { c := f.p.Snapshot().Counts; return c.Done == c.Total })
			m.Update(tickMsg(time.Now()))
		}},
	}
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		for _, v := range views {
			t.Run(fmt.Sprintf("%dx%d/%s", sz[0], sz[1], v.name), func(t *testing.T) {
				var out string
				synctest.Test(t, func(t *testing.T) {
					f := fixturePool(t)
					m := newSized(testOptions(f, fixtureLogs()), sz[0], sz[1])
					if v.prep != nil {
						v.prep(f, m)
					}
					press(m, v.keys...)
					out = m.View().Content
				})
				assertFrame(t, out, sz[0])
				golden.RequireEqual(t, ansi.Strip(out))
			})
		}
	}
}

// assertFrame checks that no line of a rendered block is wider than the
// terminal: a wider line would wrap and break the whole layout.
func assertFrame(t *testing.T, out string, w int) {
	t.Helper()
	for i, l := range strings.Split(out, "\n") {
		if n := ansi.StringWidth(l); n > w {
			t.Fatalf("line %d is %d cells wide, terminal is %d: %q", i, n, w, ansi.Strip(l))
		}
	}
}

func TestScreenFillsTerminalExactly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		testScreenFillsTerminalExactly(t, fixturePool(t))
	})
}

func testScreenFillsTerminalExactly(t *testing.T, f *fixture) {
	for _, sz := range append(goldenSizes, [2]int{64, 18}, [2]int{119, 33}, [2]int{121, 70}) {
		m := newSized(testOptions(f, fixtureLogs()), sz[0], sz[1])
		for _, keys := range [][]string{nil, {"?"}, {"a"}, {"enter"}} {
			press(m, "esc")
			press(m, keys...)
			lines := strings.Split(m.View().Content, "\n")
			if len(lines) != sz[1] {
				t.Fatalf("%dx%d %v: %d lines", sz[0], sz[1], keys, len(lines))
			}
			for i, l := range lines {
				if n := ansi.StringWidth(l); n != sz[0] {
					t.Fatalf("%dx%d %v: line %d is %d cells: %q", sz[0], sz[1], keys, i, n, ansi.Strip(l))
				}
			}
		}
	}
}

// sgrColour matches an SGR sequence that sets a foreground or background
// colour.
var sgrColour = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9;]*)?m`)

func TestNoColorMeansNoColour(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { testNoColorMeansNoColour(t, fixturePool(t)) })
}

func testNoColorMeansNoColour(t *testing.T, f *fixture) {
	for _, noColor := range []bool{true, false} {
		opts := testOptions(f, fixtureLogs())
		opts.NoColor = noColor
		m := newSized(opts, 120, 40)
		m.c.ok("PO4500000202 moved to URGENT")
		out := m.View().Content
		has := sgrColour.MatchString(out)
		if noColor && has {
			t.Fatalf("NoColor frame has colour: %q", sgrColour.FindString(out))
		}
		if !noColor && !has {
			t.Fatal("the colour frame has no colour at all")
		}
	}
}

func TestMouseOffByDefault(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { testMouseOffByDefault(t, fixturePool(t)) })
}

func testMouseOffByDefault(t *testing.T, f *fixture) {
	opts := testOptions(f, nil)
	m := newSized(opts, 120, 40)
	if v := m.View(); v.MouseMode != tea.MouseModeNone || !v.AltScreen {
		t.Fatalf("default view: mouse %v, alt screen %v", v.MouseMode, v.AltScreen)
	}
	opts.Mouse = true
	m = newSized(opts, 120, 40)
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatal("Mouse did not enable mouse reporting")
	}
	// A click on the workers pane focuses it and selects the row.
	r := m.lay.panes[paneWorkers]
	m.Update(tea.MouseClickMsg{X: r.x + 5, Y: r.y + 3, Button: tea.MouseLeft})
	if m.focus != paneWorkers || m.workers.sel != 1 {
		t.Fatalf("click: focus %v, worker row %d", m.focus, m.workers.sel)
	}
}
