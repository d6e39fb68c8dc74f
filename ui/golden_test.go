package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// Goldens are plain text (styles stripped, NoColor, fixed clock) under
// testdata/TestGolden*; regenerate them with go test ./ui -run Golden -update.

var goldenSizes = [][2]int{{80, 24}, {120, 40}, {200, 60}}

func TestGoldenPanes(t *testing.T) {
	for _, sz := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := newSized(testOptions(fixturePool(), fixtureLogs()), sz[0], sz[1])
			m.ok("PO4500000202 moved to URGENT")
			check := func(name, out string) {
				t.Run(name, func(t *testing.T) {
					assertFrame(t, out, sz[0])
					golden.RequireEqual(t, ansi.Strip(out))
				})
			}
			check("screen", m.View().Content)
			check("header", renderHeader(&m.c, m.headerState(), m.lay.w))
			for id := range paneCount {
				check(id.String(), m.pane(id).View(id == m.focus))
			}
			check("status", fit(m.renderStatus(), m.lay.w))
			check("footer", fit(m.renderFooter(), m.lay.w))
		})
	}
}

func TestGoldenTooSmall(t *testing.T) {
	m := newSized(testOptions(fixturePool(), nil), 63, 30)
	golden.RequireEqual(t, screen(m))
}

// TestGoldenViews covers what covers the panes: help, details, the add
// dialog, a confirm prompt, draining and the run summary.
func TestGoldenViews(t *testing.T) {
	views := []struct {
		name string
		keys []string
		prep func(fp *fakePool, m *Model)
	}{
		{"help", []string{"?"}, nil},
		{"details", nil, func(_ *fakePool, m *Model) { selectQueue(m, posFailed); press(m, "enter") }},
		{"worker", []string{"shift+tab", "enter"}, nil},
		{"add", []string{"a", "4", "5", "0", "0", ",", "x", "tab", "right"}, nil},
		{"confirm", nil, func(_ *fakePool, m *Model) { selectQueue(m, posUrgent); press(m, "x") }},
		{"filter", []string{"/", "r", "u", "n"}, nil},
		{"summary", nil, func(fp *fakePool, m *Model) {
			for _, t := range fp.all {
				fp.Cancel(t.PO)
			}
			m.Update(tickMsg(testNow))
		}},
	}
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		for _, v := range views {
			t.Run(fmt.Sprintf("%dx%d/%s", sz[0], sz[1], v.name), func(t *testing.T) {
				fp := fixturePool()
				m := newSized(testOptions(fp, fixtureLogs()), sz[0], sz[1])
				if v.prep != nil {
					v.prep(fp, m)
				}
				press(m, v.keys...)
				out := m.View().Content
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
	for _, sz := range append(goldenSizes, [2]int{64, 18}, [2]int{119, 33}, [2]int{121, 70}) {
		m := newSized(testOptions(fixturePool(), fixtureLogs()), sz[0], sz[1])
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
	for _, noColor := range []bool{true, false} {
		opts := testOptions(fixturePool(), fixtureLogs())
		opts.NoColor = noColor
		m := newSized(opts, 120, 40)
		m.ok("PO4500000202 moved to URGENT")
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
	opts := testOptions(fixturePool(), nil)
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
