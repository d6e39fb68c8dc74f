package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// confirmDialog is a y/N question in the status line. Only y is yes;
// enter, esc and every other key are no.
type confirmDialog struct {
	c        *common
	question string
	yes      func() tea.Cmd
	no       string // acknowledgement when the answer is no
}

func (d *confirmDialog) SetSize(int, int)   {}
func (d *confirmDialog) inStatusLine() bool { return true }

func (d *confirmDialog) Update(msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false // a paste is no answer
	}
	if d.c.keys.matches(k.String(), actYes) {
		return d.yes(), true
	}
	d.c.ok(d.no)
	return nil, true
}

func (d *confirmDialog) View() string {
	return d.c.st.paint([]span{{" " + d.question + " [y/N] ", tPrompt}, {text: " "}, {"y confirms; enter, esc or any other key keeps it", tDim}})
}

func (d *confirmDialog) Help() (string, []key.Binding) {
	return "confirm", d.c.keys.keys(actYes, actNo)
}

// isConfirm tells the questions apart on the stack: they outlive the start
// of a drain, which closes the other dialogs.
func isConfirm(d dialog) bool { _, ok := d.(*confirmDialog); return ok }
