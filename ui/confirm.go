package ui

import (
	tea "charm.land/bubbletea/v2"
)

// confirmation is a y/N question in the status line. Only y is yes; enter,
// esc and every other key are no.
type confirmation struct {
	question string
	yes      func() tea.Cmd
	no       string // acknowledgement when the answer is no
}

func (m *Model) onConfirmKey(ks string) tea.Cmd {
	c := m.confirm
	m.confirm = nil
	if m.keys.matches(ks, actYes) {
		return c.yes()
	}
	m.ok(c.no)
	return nil
}
