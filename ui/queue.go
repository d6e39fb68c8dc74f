package ui

import (
	"fmt"
	"slices"
	"strconv"

	"charm.land/bubbles/v2/key"

	"coupatui/pool"
	"coupatui/vocab"
)

// queuePane is a window on the pool's task list in display order (running,
// then queued and retrying by dispatch order, then finished ones newest
// first). It asks the pool only for the rows it shows, so a 100,000-task
// queue costs the same per frame as a short one. Owned by the model.
type queuePane struct {
	c        *common
	w, h     int
	sel, top int    // selection and first visible row, as positions in the list
	filter   string // case-insensitive substring of the PO or status
	showDone bool   // include finished tasks
	sort     pool.SortKey
	marks    map[string]bool // marked POs: the task keys act on them
	page     pool.TaskPage
}

// toggleMark marks the selected task, or unmarks it; it reports the new
// state and the PO.
func (p *queuePane) toggleMark() (po string, marked, ok bool) {
	t, ok := p.selected()
	if !ok {
		return "", false, false
	}
	if p.marks[t.PO] {
		delete(p.marks, t.PO)
		return t.PO, false, true
	}
	if p.marks == nil {
		p.marks = map[string]bool{}
	}
	p.marks[t.PO] = true
	return t.PO, true, true
}

// query is what the pane shows, from offset, limit tasks (0: all).
func (p *queuePane) query(offset, limit int) pool.TaskQuery {
	return pool.TaskQuery{Offset: offset, Limit: limit, Filter: p.filter, IncludeDone: p.showDone, Sort: p.sort}
}

func (p *queuePane) SetSize(w, h int) { p.w, p.h = w, h; p.clamp() }

func (p *queuePane) rows() int { return max(0, p.h-3) }

func (p *queuePane) Move(act action) {
	p.sel = moveSel(act, p.sel, p.rows(), p.page.Total)
	p.clamp()
}

func (p *queuePane) clamp() {
	p.sel = max(0, min(p.sel, p.page.Total-1))
	p.top = scrollTo(p.sel, p.top, p.rows(), p.page.Total)
}

// refresh fetches the visible window. The total may have changed since the
// last fetch, so the window is re-clamped and fetched again at most once.
func (p *queuePane) refresh(pl Pool) {
	if p.rows() <= 0 {
		return // not laid out yet, or too small: a Limit of 0 would ask for every task
	}
	for range 2 {
		p.page = pl.Tasks(p.query(p.top, p.rows()))
		before := p.top
		p.clamp()
		if p.top == before {
			return
		}
	}
}

// selected is the task on the selected row as the screen shows it.
func (p *queuePane) selected() (pool.TaskInfo, bool) {
	i := p.sel - p.top
	if i < 0 || i >= len(p.page.Tasks) {
		return pool.TaskInfo{}, false
	}
	return p.page.Tasks[i], true
}

func (p *queuePane) Help() []key.Binding {
	k := p.c.keys
	return []key.Binding{k.move, k.bindings[actFilter], k.bindings[actDetails], k.bindings[actMark], k.prio,
		k.bindings[actCancel], k.bindings[actRetry], k.bindings[actShowDone], k.sort}
}

func (p *queuePane) View(focused bool) string {
	return renderQueue(p.c, p, focused)
}

var queueColumns = []column{
	{title: " ", width: 2}, // the selection ▶ and the mark ✓
	{title: "#", width: 6, right: true, drop: 3},
	{title: "PO", width: 12},
	{title: "PRIO", width: 6},
	{title: "STATE", width: 11},
	{title: "ATT", width: 3, right: true, drop: 1},
	{title: "INFO", width: 6, flex: true, drop: 2},
}

// renderQueue draws the queue pane from its page of tasks.
func renderQueue(c *common, p *queuePane, focused bool) string {
	page, filter, sel, top, w, h := p.page, p.filter, p.sel, p.top, p.w, p.h
	st := c.st
	colSet := queueColumns
	if w-2 >= 90 { // room for the longest status word (PR_NOT_ACCESSIBLE)
		colSet = slices.Clone(queueColumns)
		colSet[4].width = 19
	}
	cols := layoutColumns(colSet, w-2)
	body := []string{tableHeader(st, cols)}
	for i, t := range page.Tasks {
		pos := top + i
		selected := pos == sel && focused
		cells := taskCells(c, t, !selected)
		cells["#"] = strconv.Itoa(pos + 1)
		mark := " "
		if p.marks[t.PO] {
			mark = "✓"
		}
		cells[" "] = " " + mark
		if pos == sel {
			cells[" "] = "▶" + mark
		}
		line := tableRow(cols, cells)
		if selected {
			line = st.selected.Render(line)
		}
		body = append(body, line)
	}
	if page.Total == 0 {
		msg := "queue empty"
		if filter != "" {
			msg = fmt.Sprintf("no task matches %q", filter)
		}
		body = append(body, st.dim.Render(msg))
	}
	title := "Queue"
	if !p.showDone {
		title = "Queue (unfinished)"
	}
	if p.sort != pool.SortDisplay {
		title += " by " + p.sort.String()
	}
	note := ""
	if page.Total > 0 {
		note = fmt.Sprintf("%d–%d of %d", top+1, top+len(page.Tasks), page.Total)
	}
	if filter != "" {
		note = fmt.Sprintf("filter %q · %s", filter, note)
	}
	if n := len(p.marks); n > 0 {
		note = fmt.Sprintf("%d marked · %s", n, note)
	}
	return box(st, title, note, focused, w, h, body)
}

// prioBadge is the priority word, coloured unless plain.
func prioBadge(st *styles, p vocab.Priority, styled bool) string {
	if !styled || p < vocab.Low || p > vocab.Urgent {
		return p.String()
	}
	return st.prio[p].Render(p.String())
}

// taskCells formats one task; styled adds colour to words already shown.
func taskCells(c *common, t pool.TaskInfo, styled bool) map[string]string {
	st := c.st
	cells := map[string]string{
		"PO":   "PO" + t.PO,
		"PRIO": prioBadge(st, t.Priority, styled),
		"ATT":  strconv.Itoa(t.Attempts),
	}
	state, info := t.State.String(), ""
	switch t.State {
	case vocab.TaskRunning:
		state = c.spinner() + " running"
		info = fmt.Sprintf("W%d %s %d/%d", t.Worker, t.Progress.Phase, t.Progress.Done, t.Progress.Found)
		if !t.Started.IsZero() {
			info += " · " + clock(c.now.Sub(t.Started))
		}
		if styled {
			state = st.ok.Render(state)
		}
	case vocab.TaskRetrying:
		state = "↻ retrying"
		info = "retry in " + human(t.NextTry.Sub(c.now))
		if n := len(t.Errors); n > 0 {
			info += ": " + t.Errors[n-1]
		}
		if styled {
			state = st.warn.Render(state)
		}
	case vocab.TaskQueued:
		state = "· queued"
		if !t.Submitted.IsZero() {
			info = "waiting " + human(c.now.Sub(t.Submitted))
		}
	case vocab.TaskDone:
		s, glyph := st.statusStyle(t.Result.Status)
		state = glyph + " " + string(t.Result.Status)
		if styled {
			state = s.Render(state)
		}
		info = fmt.Sprintf("%d/%d files", t.Result.Downloaded, t.Result.Found)
		if msg := t.Result.ErrorMessage(); msg != "" {
			info += " · " + msg
		}
	}
	cells["STATE"] = state
	cells["INFO"] = info
	return cells
}
