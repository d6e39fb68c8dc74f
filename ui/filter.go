package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// filterInput edits the filter of the queue or the log in the status line;
// the filter applies as the operator types.
type filterInput struct {
	target paneID
	input  *lineInput
}

func (m *Model) openFilter() {
	target := paneQueue
	current := m.queue.filter
	if m.focus == paneLog {
		target, current = paneLog, m.logs.filter
	}
	f := &filterInput{target: target, input: newLineInput("/", "PO number or status", max(10, m.lay.w-40))}
	f.input.SetValue(current)
	m.filter = f
}

func (m *Model) applyFilter(v string) {
	if m.filter.target == paneLog {
		m.logs.setFilter(v)
		return
	}
	m.queue.filter = strings.TrimSpace(v)
	m.queue.sel, m.queue.top = 0, 0
	m.queue.refresh(m.opts.Pool)
}

func (m *Model) onFilterKey(k tea.KeyPressMsg) tea.Cmd {
	ks := k.String()
	switch {
	case ks == "esc" || ks == "ctrl+c":
		m.applyFilter("")
		m.filter = nil
		m.ok("filter cleared")
		return nil
	case ks == "enter":
		v := strings.TrimSpace(m.filter.input.Value())
		target := m.filter.target
		m.filter = nil
		if v != "" {
			m.ok(fmt.Sprintf("%s filtered by %q; esc clears", target, v))
		}
		return nil
	}
	if m.filter.input.Update(k) {
		m.applyFilter(m.filter.input.Value())
	}
	return nil
}

// onPaste gives a bracketed paste to the open input; without one it is
// ignored, so pasted text never fires commands.
func (m *Model) onPaste(p tea.PasteMsg) tea.Cmd {
	switch {
	case m.filter != nil:
		m.filter.input.Paste(p.Content)
		m.applyFilter(m.filter.input.Value())
	case m.overlay == ovAdd && m.add.field == 0:
		m.add.input.Paste(p.Content)
	}
	return nil
}
