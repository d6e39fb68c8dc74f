package ui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// dialogWidth is the widest a dialog gets.
const dialogWidth = 84

// dialogInner is the width inside a dialog drawn in w cells.
func dialogInner(w int) int { return min(w, dialogWidth) - 2 }

// dialog centres a framed block of lines in a w×h area.
func dialog(st *styles, title string, lines []string, w, h int) string {
	bw := min(w, dialogWidth)
	bh := min(h, len(lines)+2)
	b := box(st, title, "esc closes", true, bw, bh, lines)
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, b)
}

// onOverlayKey handles keys while help or details cover the body.
func (m *Model) onOverlayKey(ks string) tea.Cmd {
	act := m.keys.global[ks]
	switch act {
	case actClear, actQuit:
		m.overlay = ovNone
	case actHelp:
		if m.overlay == ovHelp {
			m.overlay = ovNone
		}
	case actDetails:
		if m.overlay == ovDetails {
			m.overlay = ovNone
		}
	case actUp, actDown, actTop, actBottom, actPageUp, actPageDown:
		top, n := &m.helpTop, len(m.helpLines())
		if m.overlay == ovDetails {
			top, n = &m.details.top, len(detailLines(&m.c, &m.details))
		}
		rows := max(1, m.lay.body.h-2)
		*top = moveSel(act, *top, rows, max(1, n-rows+1))
	case actCopy:
		if m.overlay == ovDetails {
			return m.copyError()
		}
	case actInterrupt:
		m.overlay = ovNone
		return m.quitKey()
	}
	return nil
}

// helpLines is the full keymap, grouped as keyTable groups it.
func (m *Model) helpLines() []string {
	st := m.c.st
	names, groups := helpGroups()
	var lines []string
	for _, g := range names {
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, st.bold.Render(g))
		for _, d := range groups[g] {
			lines = append(lines, "  "+st.helpKey.Render(fit(d.label, 13))+" "+d.desc)
		}
	}
	return lines
}

// renderHelp draws the help overlay from its first shown line.
func (m *Model) renderHelp(w, h int) string {
	lines := m.helpLines()
	top := max(0, min(m.helpTop, len(lines)-(h-2)))
	return dialog(m.c.st, "Keys (? or esc closes, j/k scroll)", lines[top:], w, h)
}
