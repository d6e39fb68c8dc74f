package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// renderStatus draws the status line: a prompt or input when one is open,
// the draining progress while quitting, otherwise the last acknowledgement.
func (m *Model) renderStatus() string {
	st := m.c.st
	switch {
	case m.confirm != nil:
		return st.prompt.Render(" "+m.confirm.question+" [y/N] ") + " " + st.dim.Render("y confirms; enter, esc or any other key keeps it")
	case m.filter != nil:
		return fmt.Sprintf(" filter %s %s", m.filter.target, m.filter.input.View(st)) + st.dim.Render("  enter keeps · esc clears")
	case m.quit == phaseDraining || m.quit == phaseForcing:
		s := " " + st.prompt.Render(" "+m.drainText()+" ")
		if m.status.seq > m.drainSeq {
			s += " " + m.ackText()
		}
		return s
	case m.status.text == "":
		return ""
	}
	return " " + m.ackText()
}

// ackText is the last acknowledgement with its mark: ✓ done, ✗ refused.
func (m *Model) ackText() string {
	if m.status.err {
		return m.c.st.statusErr.Render("✗ " + m.status.text)
	}
	return m.c.st.statusOK.Render("✓ " + m.status.text)
}

// drainText says how the quit is going: tasks still running, time left.
func (m *Model) drainText() string {
	snap := m.c.snap
	running := snap.Counts.Running
	left := ""
	if !snap.DrainDeadline.IsZero() {
		left = " · " + human(snap.DrainDeadline.Sub(m.c.now)) + " left"
	}
	switch {
	case m.quit == phaseForcing:
		return fmt.Sprintf("Forcing: cancelling %s…", plural(running, "running task"))
	case running == 0:
		return "Quitting: no task running; stopping the workers…"
	}
	return fmt.Sprintf("Quitting: %s to finish%s · q again forces", plural(running, "running task"), left)
}

// renderFooter draws the short help of what has the keys now, generated
// from the keymap: a prompt, an input, an overlay, or the focused pane
// followed by the global keys. Help and quit stay pinned to the right.
func (m *Model) renderFooter() string {
	k := m.keys
	var title string
	var left []key.Binding
	switch {
	case m.confirm != nil:
		title, left = "confirm", k.keys(actYes, actNo)
	case m.filter != nil:
		title, left = "filter", k.keys(actSubmit, actDismiss)
	case m.overlay == ovAdd:
		title, left = "add", k.keys(actSubmit, actDismiss, actNextField, actPrioPrev, actPrioNext)
	case m.overlay != ovNone:
		title, left = "view", []key.Binding{k.move, k.bindings[actClear]}
	default:
		title, left = m.focus.String(), append(m.pane(m.focus).Help(), k.shortHelp()...)
	}
	right := m.help.ShortHelpView(k.keys(actHelp, actQuit))
	prefix := " " + m.c.st.bold.Render(title) + " "
	room := m.lay.w - ansi.StringWidth(prefix) - ansi.StringWidth(right) - 2
	// Whole entries only, as many as fit, then an ellipsis.
	l := ""
	for n := len(left); n > 0; n-- {
		l = m.help.ShortHelpView(left[:n])
		if n < len(left) {
			l += m.c.st.dim.Render(" …")
		}
		if ansi.StringWidth(l) <= room {
			break
		}
		l = ""
	}
	l = prefix + l
	gap := max(1, m.lay.w-ansi.StringWidth(l)-ansi.StringWidth(right)-1)
	return l + strings.Repeat(" ", gap) + right
}
