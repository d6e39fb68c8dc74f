package ui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// dialogWidth is the widest a dialog gets.
const dialogWidth = 84

// dialogInner is the width inside a dialog drawn in w cells.
func dialogInner(w int) int { return min(w, dialogWidth) - 2 }

// framed centres a framed block of lines in a w×h area.
func framed(st *styles, title string, lines [][]span, w, h int) string {
	bw := min(w, dialogWidth)
	bh := min(h, len(lines)+2)
	b := box(st, title, "esc closes", true, bw, bh, st.paintLines(lines[:min(len(lines), max(0, bh-2))]))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, b)
}

// pager is what the help and details views share: a framed block of lines
// over the body that j/k scroll; esc, q or the key that opened it closes
// it, and ctrl+c closes it to quit.
type pager struct {
	c    *common
	own  action         // the key that opened the view
	quit func() tea.Cmd // the main screen's quit key
	top  int            // first line shown
	w, h int
}

func (p *pager) SetSize(w, h int)   { p.w, p.h = w, h }
func (p *pager) inStatusLine() bool { return false }

// update handles a key of a view of n lines.
func (p *pager) update(msg tea.Msg, n int) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch act := p.c.keys.global[k.String()]; act {
	case actClear, actQuit, p.own:
		return nil, true
	case actInterrupt:
		return p.quit(), true
	case actUp, actDown, actTop, actBottom, actPageUp, actPageDown:
		rows := max(1, p.h-2)
		p.top = moveSel(act, p.top, rows, max(1, n-rows+1))
	}
	return nil, false
}

// view draws lines from the first one shown.
func (p *pager) view(title string, lines [][]span) string {
	top := max(0, min(p.top, len(lines)-(p.h-2)))
	return framed(p.c.st, title, lines[top:], p.w, p.h)
}
