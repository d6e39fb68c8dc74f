package ui

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

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
	pl       Pool
	w, h     int
	sel, top int    // selection and first visible row, as positions in the list
	filter   string // case-insensitive substring of the PO or status
	showDone bool   // include finished tasks
	sort     pool.SortKey
	marks    map[string]bool // marked POs: the task keys act on them
	page     pool.TaskPage
	asked    pool.TaskQuery // the query page answers
}

// toggleMark marks the selected task, or unmarks it, and moves down, so a
// run of tasks is marked by holding space; it reports the PO and its new
// state.
func (p *queuePane) toggleMark() (po string, marked, ok bool) {
	t, ok := p.selected()
	if !ok {
		return "", false, false
	}
	marked = !p.marks[t.PO]
	if marked {
		if p.marks == nil {
			p.marks = map[string]bool{}
		}
		p.marks[t.PO] = true
	} else {
		delete(p.marks, t.PO)
	}
	p.Move(actDown)
	return t.PO, marked, true
}

// marked counts the marks; clearMarks drops them and says how many there
// were.
func (p *queuePane) marked() int { return len(p.marks) }

func (p *queuePane) clearMarks() int {
	n := len(p.marks)
	p.marks = nil
	return n
}

// bulk is what the task keys act on when it is more than the selected
// task: the marked tasks, else every task the filter shows; source says
// which ("marked", `matching "102"`), "" when there are neither marks nor
// a filter.
func (p *queuePane) bulk() (ts []pool.TaskInfo, source string) {
	switch {
	case len(p.marks) > 0:
		// In the order the queue shows them, which the pool keeps; marked
		// ones the filter or d hides now come after, by PO.
		seen := map[string]bool{}
		for _, t := range p.pl.Tasks(p.query(0, 0)).Tasks {
			if p.marks[t.PO] {
				ts = append(ts, t)
				seen[t.PO] = true
			}
		}
		for _, po := range slices.Sorted(maps.Keys(p.marks)) {
			if t, found := p.pl.Task(po); found && !seen[po] {
				ts = append(ts, t)
			}
		}
		return ts, "marked"
	case p.filter != "":
		return p.pl.Tasks(p.query(0, 0)).Tasks, fmt.Sprintf("matching %q", p.filter)
	}
	return nil, ""
}

// sortBy moves the sort to the next (+1) or previous (-1) column and
// shows the queue from the top.
func (p *queuePane) sortBy(step int) pool.SortKey {
	const n = int(pool.SortAttempts) + 1
	p.sort = pool.SortKey((int(p.sort) + step + n) % n)
	p.sel, p.top = 0, 0
	p.refresh()
	return p.sort
}

// toggleDone shows or hides the finished tasks; it reports whether they
// show now.
func (p *queuePane) toggleDone() bool {
	p.showDone = !p.showDone
	p.sel, p.top = 0, 0
	p.refresh()
	return p.showDone
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
	p.refresh()
}

func (p *queuePane) selectRow(row int) {
	p.sel = p.top + row
	p.clamp()
}

func (p *queuePane) clamp() {
	p.sel = max(0, min(p.sel, p.page.Total-1))
	p.top = scrollTo(p.sel, p.top, p.rows(), p.page.Total)
}

// refresh fetches the visible window, unless the page it has answers the
// same query and the pool's tasks have not changed since (the latest
// snapshot's TaskGen): an idle console with 100,000 POs queued then asks
// nothing per frame. The total may have changed since the last fetch, so
// the window is re-clamped and fetched again at most once.
func (p *queuePane) refresh() {
	if p.rows() <= 0 {
		return // not laid out yet, or too small: a Limit of 0 would ask for every task
	}
	for range 2 {
		q := p.query(p.top, p.rows())
		if q == p.asked && p.page.Gen == p.c.snap.TaskGen {
			return
		}
		p.page, p.asked = p.pl.Tasks(q), q
		before := p.top
		p.clamp()
		if p.top == before {
			return
		}
	}
}

// reload fetches the visible window whatever the snapshot says: after a
// command, which changed the pool since it was taken.
func (p *queuePane) reload() {
	p.asked = pool.TaskQuery{}
	p.refresh()
}

func (p *queuePane) filterText() string { return p.filter }

// setFilter shows the tasks whose PO or status contains v, from the top.
func (p *queuePane) setFilter(v string) {
	p.filter = strings.TrimSpace(v)
	p.sel, p.top = 0, 0
	p.refresh()
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

// renderQueue draws the queue pane from its page of tasks, a row each
// (taskCells).
func renderQueue(c *common, p *queuePane, focused bool) string {
	page, filter, sel, top, w, h := p.page, p.filter, p.sel, p.top, p.w, p.h
	st := c.st
	colSet := queueColumns
	if w-2 >= 90 { // room for the longest status word (PR_NOT_ACCESSIBLE)
		colSet = slices.Clone(queueColumns)
		colSet[4].width = 19
	}
	cols := layoutColumns(colSet, w-2)
	body := make([]string, 0, 2+len(page.Tasks))
	body = append(body, tableHeader(st, cols))
	row := make(tableCells, len(cols)) // one for every row: each fills it again
	for i, t := range page.Tasks {
		pos := top + i
		fillTaskCells(c, t, row)
		row["#"] = span{text: strconv.Itoa(pos + 1)}
		mark := " "
		if p.marks[t.PO] {
			mark = "✓"
		}
		row[" "] = span{text: " " + mark}
		if pos == sel {
			row[" "] = span{text: "▶" + mark}
		}
		selected := pos == sel && focused
		line := tableRow(st, cols, row, !selected)
		if selected {
			line = st.render(tSelected, line)
		}
		body = append(body, line)
	}
	if page.Total == 0 {
		msg := "queue empty"
		if filter != "" {
			msg = fmt.Sprintf("no task matches %q", filter)
		}
		body = append(body, st.render(tDim, msg))
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

// prioSpan is the priority word in its tone.
func prioSpan(p vocab.Priority) span { return span{p.String(), prioTone(p)} }

// fillTaskCells fills row with one task's cells: PO, priority, state and
// what it is doing or how it ended (a pane reuses one row for all its rows).
func fillTaskCells(c *common, t pool.TaskInfo, row tableCells) {
	clear(row)
	row["PO"] = span{text: "PO" + t.PO}
	row["PRIO"] = prioSpan(t.Priority)
	row["ATT"] = span{text: strconv.Itoa(t.Attempts)}
	state, info := span{text: t.State.String()}, ""
	switch t.State {
	case vocab.TaskRunning:
		state = span{c.spinner() + " running", tOK}
		info = fmt.Sprintf("W%d %s %d/%d", t.Worker, t.Progress.Phase, t.Progress.Done, t.Progress.Found)
		if !t.Started.IsZero() {
			info += " · " + clock(c.now.Sub(t.Started))
		}
	case vocab.TaskRetrying:
		state = span{"↻ retrying", tWarn}
		info = "retry in " + human(t.NextTry.Sub(c.now))
		if n := len(t.Errors); n > 0 {
			info += ": " + t.Errors[n-1]
		}
	case vocab.TaskQueued:
		state = span{text: "· queued"}
		if !t.Submitted.IsZero() {
			info = "waiting " + human(c.now.Sub(t.Submitted))
		}
	case vocab.TaskDone:
		tn, glyph := statusLook(t.Result.Status)
		state = span{glyph + " " + string(t.Result.Status), tn}
		info = fmt.Sprintf("%d/%d files", t.Result.Downloaded, t.Result.Found)
		if msg := t.Result.ErrorMessage(); msg != "" {
			info += " · " + msg
		}
	}
	row["STATE"] = state
	row["INFO"] = span{text: info}
}
