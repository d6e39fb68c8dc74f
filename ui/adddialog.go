package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"coupatui/pool"
	"coupatui/vocab"
)

// addDialog takes PO numbers (separated by spaces, commas or new lines)
// and a priority.
type addDialog struct {
	input *lineInput
	prio  vocab.Priority
	field int // 0: the numbers, 1: the priority
	err   string
}

func newAddDialog(w int) *addDialog {
	d := &addDialog{prio: vocab.Normal, input: newLineInput("POs: ", "4500000123, PO4500000124 …", 40)}
	d.setWidth(w)
	return d
}

func (d *addDialog) setWidth(w int) { d.input.width = max(10, min(w, 84)-14) }

func (m *Model) onAddKey(k tea.KeyPressMsg) tea.Cmd {
	d := m.add
	ks := k.String()
	switch {
	case ks == "esc" || ks == "ctrl+c":
		m.overlay, m.add = ovNone, nil
		m.ok("nothing added")
		return nil
	case ks == "enter":
		m.submitAdd()
		return nil
	case m.keys.matches(ks, actNextField):
		d.field = 1 - d.field
		d.input.focused = d.field == 0
		return nil
	}
	if d.field == 1 {
		switch ks {
		case "left", "down":
			d.prio = max(vocab.Low, d.prio-1)
		case "right", "up":
			d.prio = min(vocab.Urgent, d.prio+1)
		case "u":
			d.prio = vocab.Urgent
		case "h":
			d.prio = vocab.High
		case "n":
			d.prio = vocab.Normal
		case "l":
			d.prio = vocab.Low
		}
		return nil
	}
	if d.input.Update(k) {
		d.err = ""
	}
	return nil
}

// submitAdd submits every PO typed; the dialog stays open when nothing in
// it is a PO number.
func (m *Model) submitAdd() {
	d := m.add
	pos, invalid := parsePOList(d.input.Value())
	if len(pos) == 0 {
		if len(invalid) > 0 {
			d.err = fmt.Sprintf("not PO numbers: %s (want 6 or more digits, PO prefix optional)", strings.Join(invalid, ", "))
		} else {
			d.err = "type one or more PO numbers"
		}
		return
	}
	var added, already, failed []string
	var firstErr error
	for _, po := range pos {
		if t, ok := m.opts.Pool.Task(po); ok && t.State != vocab.TaskDone {
			already = append(already, "PO"+po)
			continue
		}
		if _, err := m.opts.Pool.Submit(po, d.prio, pool.Meta{}); err != nil {
			failed = append(failed, "PO"+po)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		added = append(added, "PO"+po)
	}
	m.overlay, m.add = ovNone, nil
	var parts []string
	if len(added) > 0 {
		parts = append(parts, fmt.Sprintf("added %s as %s: %s", plural(len(added), "PO"), d.prio, strings.Join(added, " ")))
	}
	if len(already) > 0 {
		parts = append(parts, fmt.Sprintf("already in the queue: %s", strings.Join(already, " ")))
	}
	if len(invalid) > 0 {
		parts = append(parts, fmt.Sprintf("not PO numbers: %s", strings.Join(invalid, " ")))
	}
	if len(failed) > 0 {
		parts = append(parts, commandError("add", strings.TrimPrefix(failed[0], "PO"), firstErr))
	}
	msg := strings.Join(parts, "; ")
	if len(failed) > 0 || len(added) == 0 {
		m.fail(msg)
	} else {
		m.ok(msg)
	}
	m.queue.refresh(m.opts.Pool)
}

func (d *addDialog) view(c *common, w, h int) string {
	st := c.st
	prios := []vocab.Priority{vocab.Urgent, vocab.High, vocab.Normal, vocab.Low}
	var pb []string
	for _, p := range prios {
		if p == d.prio {
			pb = append(pb, st.selected.Render("["+p.String()+"]"))
		} else {
			pb = append(pb, " "+p.String()+" ")
		}
	}
	prioLabel := "Priority: "
	if d.field == 1 {
		prioLabel = st.bold.Render("▶ Priority: ")
	} else {
		prioLabel = "  " + prioLabel
	}
	inputLabel := "  "
	if d.field == 0 {
		inputLabel = st.bold.Render("▶ ")
	}
	lines := []string{
		"Numbers separated by spaces, commas or new lines (pasting works).",
		"",
		inputLabel + d.input.View(st),
		"",
		prioLabel + strings.Join(pb, " "),
		"",
		st.dim.Render("enter add · tab switch field · ←/→ or u/h/n/l priority · esc cancel"),
	}
	if d.err != "" {
		lines = append(lines, "", st.statusErr.Render("✗ "+d.err))
	}
	return dialog(st, "Add POs", lines, w, h)
}
