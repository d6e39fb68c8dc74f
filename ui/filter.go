package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// filterable is a pane whose rows a filter narrows: the queue and the log.
type filterable interface {
	filterText() string
	setFilter(v string)
}

// filterDialog edits the filter of a pane in the status line; the filter
// applies as the operator types.
type filterDialog struct {
	c      *common
	name   string // the pane's name, for the prompt and the acknowledgement
	target filterable
	input  *lineInput
}

func newFilterDialog(c *common, name string, target filterable) *filterDialog {
	d := &filterDialog{c: c, name: name, target: target, input: newLineInput("/", "PO number or status", 10)}
	d.input.SetValue(target.filterText())
	return d
}

func (d *filterDialog) SetSize(w, _ int)   { d.input.width = max(10, w-40) }
func (d *filterDialog) inStatusLine() bool { return true }

func (d *filterDialog) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		d.input.Paste(msg.Content)
		d.target.setFilter(d.input.Value())
	case tea.KeyPressMsg:
		ks := msg.String()
		switch {
		case d.c.keys.matches(ks, actDismiss) || ks == "ctrl+c":
			d.target.setFilter("")
			d.c.ok("filter cleared")
			return nil, true
		case d.c.keys.matches(ks, actSubmit):
			if v := strings.TrimSpace(d.input.Value()); v != "" {
				d.c.ok(fmt.Sprintf("%s filtered by %q; esc clears", d.name, v))
			}
			return nil, true
		}
		if d.input.Update(msg) {
			d.target.setFilter(d.input.Value())
		}
	}
	return nil, false
}

func (d *filterDialog) View() string {
	l := append([]span{{text: " filter " + d.name + " "}}, d.input.View()...)
	return d.c.st.paint(append(l, span{"  enter keeps · esc clears", tDim}))
}

func (d *filterDialog) Help() (string, []key.Binding) {
	return "filter", d.c.keys.keys(actSubmit, actDismiss)
}
