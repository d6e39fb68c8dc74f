package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// helpDialog is the ? view: the whole keymap, generated from keyTable.
type helpDialog struct{ pager }

func newHelpDialog(c *common, quit func() tea.Cmd) *helpDialog {
	return &helpDialog{pager{c: c, own: actHelp, quit: quit}}
}

func (d *helpDialog) Update(msg tea.Msg) (tea.Cmd, bool) {
	return d.update(msg, len(d.lines()))
}

func (d *helpDialog) View() string {
	return d.view("Keys (? or esc closes, j/k scroll)", d.lines())
}

func (d *helpDialog) Help() (string, []key.Binding) {
	return "view", []key.Binding{d.c.keys.move, d.c.keys.bindings[actClear]}
}

// lines is the full keymap, grouped as keyTable groups it.
func (d *helpDialog) lines() [][]span {
	names, groups := helpGroups()
	var lines [][]span
	for _, g := range names {
		if len(lines) > 0 {
			lines = append(lines, nil)
		}
		lines = append(lines, toned(tBold, g))
		for _, k := range groups[g] {
			lines = append(lines, []span{{text: "  "}, {fit(k.label, 13), tHelpKey}, {text: " " + k.desc}})
		}
	}
	return lines
}
