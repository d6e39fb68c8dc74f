package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// statusLine is the acknowledgement of the last command.
type statusLine struct {
	text string
	err  bool
	seq  int // counts acknowledgements, so newer ones can be told apart
}

// ok acknowledges a command that worked; it is logged as well.
func (c *common) ok(text string) {
	c.status = statusLine{text: text, seq: c.status.seq + 1}
	c.opts.Logger.Info("console: " + text)
}

// fail reports a command that did not work.
func (c *common) fail(text string) {
	c.status = statusLine{text: text, err: true, seq: c.status.seq + 1}
	c.opts.Logger.Warn("console: " + text)
}

// renderStatus draws the status line: a prompt or input when one is open,
// the draining progress while quitting, otherwise the last acknowledgement.
func (m *Model) renderStatus() string {
	st := m.c.st
	switch {
	case m.dialogs.newest(true) != nil:
		return m.dialogs.newest(true).View()
	case m.quit == phaseDraining || m.quit == phaseForcing:
		l := []span{{text: " "}, {" " + m.drainText() + " ", tPrompt}}
		if m.c.status.seq > m.drainSeq {
			l = append(l, span{text: " "}, m.c.status.span())
		}
		return st.paint(l)
	case m.c.status.text == "":
		return ""
	}
	return st.paint([]span{{text: " "}, m.c.status.span()})
}

// span is the acknowledgement with its mark: ✓ done, ✗ refused.
func (s statusLine) span() span {
	if s.err {
		return span{"✗ " + s.text, tFail}
	}
	return span{"✓ " + s.text, tOK}
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
// from the keymap: the top dialog's, or the focused pane's followed by the
// global keys. Help and quit stay pinned to the right.
func (m *Model) renderFooter() string {
	k := m.keys
	var title string
	var left []key.Binding
	if d := m.dialogs.top(); d != nil {
		title, left = d.Help()
	} else {
		title, left = m.focus.String(), append(m.pane(m.focus).Help(), k.shortHelp()...)
	}
	right := m.help.ShortHelpView(k.keys(actHelp, actQuit))
	prefix := m.c.st.paint([]span{{text: " "}, {title, tBold}, {text: " "}})
	room := m.lay.w - ansi.StringWidth(prefix) - ansi.StringWidth(right) - 2
	// Whole entries only, as many as fit, then an ellipsis.
	l := ""
	for n := len(left); n > 0; n-- {
		l = m.help.ShortHelpView(left[:n])
		if n < len(left) {
			l += m.c.st.render(tDim, " …")
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
