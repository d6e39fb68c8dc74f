package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"coupatui/pool"
	"coupatui/vocab"
)

// addDialog takes PO numbers (separated by spaces, commas or new lines)
// and a priority.
type addDialog struct {
	c     *common
	pl    Pool
	w, h  int
	input *lineInput
	prio  vocab.Priority
	field int // 0: the numbers, 1: the priority
	err   string
}

func newAddDialog(c *common, pl Pool) *addDialog {
	return &addDialog{c: c, pl: pl, prio: vocab.Normal, input: newLineInput("POs: ", "4500000123, PO4500000124 …", 40)}
}

func (d *addDialog) SetSize(w, h int) {
	d.w, d.h = w, h
	d.input.width = max(10, min(w, dialogWidth)-14)
}

func (d *addDialog) inStatusLine() bool { return false }

func (d *addDialog) Help() (string, []key.Binding) {
	return "add", d.c.keys.keys(actSubmit, actDismiss, actNextField, actPrioPrev, actPrioNext)
}

func (d *addDialog) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if d.field == 0 {
			d.input.Paste(msg.Content)
		}
	case tea.KeyPressMsg:
		return nil, d.key(msg)
	}
	return nil, false
}

// key takes one key press; it reports whether the dialog is done.
func (d *addDialog) key(k tea.KeyPressMsg) bool {
	ks := k.String()
	switch {
	case d.c.keys.matches(ks, actDismiss) || ks == "ctrl+c":
		d.c.ok("nothing added")
		return true
	case d.c.keys.matches(ks, actSubmit):
		return d.submit()
	case d.c.keys.matches(ks, actNextField):
		d.field = 1 - d.field
		d.input.focused = d.field == 0
		return false
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
		return false
	}
	if d.input.Update(k) {
		d.err = ""
	}
	return false
}

// submit submits every PO typed; the dialog stays open (it reports false)
// when nothing in it is a PO number.
func (d *addDialog) submit() bool {
	pos, invalid := parsePOList(d.input.Value())
	if len(pos) == 0 {
		if len(invalid) > 0 {
			d.err = fmt.Sprintf("not PO numbers: %s (want %d or more digits, PO prefix optional)", strings.Join(invalid, ", "), vocab.MinPODigits)
		} else {
			d.err = "type one or more PO numbers"
		}
		return false
	}
	var added, already, failed []string
	var firstErr error
	for _, po := range pos {
		if t, ok := d.pl.Task(po); ok && !t.State.Final() {
			already = append(already, "PO"+po)
			continue
		}
		if _, err := d.pl.Submit(po, d.prio, pool.Meta{}); err != nil {
			failed = append(failed, "PO"+po)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		added = append(added, "PO"+po)
	}
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
		d.c.fail(msg)
	} else {
		d.c.ok(msg)
	}
	return true
}

func (d *addDialog) View() string {
	prios := []vocab.Priority{vocab.Urgent, vocab.High, vocab.Normal, vocab.Low}
	prioLine := []span{{text: "  Priority: "}}
	if d.field == 1 {
		prioLine = []span{{"▶ Priority: ", tBold}}
	}
	for i, p := range prios {
		if i > 0 {
			prioLine = append(prioLine, span{text: " "})
		}
		if p == d.prio {
			prioLine = append(prioLine, span{"[" + p.String() + "]", tSelected})
		} else {
			prioLine = append(prioLine, span{text: " " + p.String() + " "})
		}
	}
	inputLine := []span{{text: "  "}}
	if d.field == 0 {
		inputLine = []span{{"▶ ", tBold}}
	}
	lines := [][]span{
		plain("Numbers separated by spaces, commas or new lines (pasting works)."),
		nil,
		append(inputLine, d.input.View()...),
		nil,
		prioLine,
		nil,
		toned(tDim, "enter add · tab switch field · ←/→ or u/h/n/l priority · esc cancel"),
	}
	if d.err != "" {
		lines = append(lines, nil, toned(tFail, "✗ "+d.err))
	}
	return framed(d.c.st, "Add POs", lines, d.w, d.h)
}
