package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"

	"coupatui/pool"
)

// workersPane lists one row per worker. Owned by the model.
type workersPane struct {
	c        *common
	w, h     int
	sel, top int
}

func (p *workersPane) SetSize(w, h int) { p.w, p.h = w, h; p.clamp() }

func (p *workersPane) rows() int { return max(0, p.h-3) } // border and header

func (p *workersPane) Move(act action) {
	p.sel = moveSel(act, p.sel, p.rows(), len(p.c.snap.Workers))
	p.clamp()
}

// clamp keeps the selection valid after the worker list changed.
func (p *workersPane) clamp() {
	n := len(p.c.snap.Workers)
	p.sel = max(0, min(p.sel, n-1))
	p.top = scrollTo(p.sel, p.top, p.rows(), n)
}

// selected is the worker under the cursor.
func (p *workersPane) selected() (pool.WorkerInfo, bool) {
	ws := p.c.snap.Workers
	if p.sel < 0 || p.sel >= len(ws) {
		return pool.WorkerInfo{}, false
	}
	return ws[p.sel], true
}

func (p *workersPane) Help() []key.Binding {
	k := p.c.keys
	return []key.Binding{k.move, k.bindings[actDetails], k.bindings[actCancel], k.scale}
}

func (p *workersPane) View(focused bool) string {
	return renderWorkers(p.c, p.sel, p.top, p.w, p.h, focused)
}

var workerColumns = []column{
	{title: " ", width: 1},
	{title: "W", width: 3},
	{title: "STATE", width: 12},
	{title: "PO", width: 12},
	{title: "TIME", width: 7, right: true},
	{title: "FILES", width: 7, right: true, drop: 3},
	{title: "MEM", width: 8, right: true, drop: 4},
	{title: "TASKS", width: 5, right: true, drop: 2},
	{title: "RST", width: 3, right: true, drop: 5},
	{title: "NOTE", width: 8, flex: true, drop: 6},
}

// renderWorkers draws the workers pane: state with a spinner, current PO,
// time on it, files done/found, browser memory, tasks done and restarts;
// under a busy worker, each file it is downloading, as room allows.
func renderWorkers(c *common, sel, top, w, h int, focused bool) string {
	st, snap := c.st, c.snap
	cols := layoutColumns(workerColumns, w-2)
	body := []string{tableHeader(st, cols)}
	rows := max(0, h-3)
	// Rows the visible workers leave free show their files in flight, one
	// line each, under the worker; a worker never scrolls out for them.
	spare := rows - min(rows, max(0, len(snap.Workers)-top))
	for i := top; i < len(snap.Workers) && i < top+rows; i++ {
		wk := snap.Workers[i]
		selected := i == sel && focused
		cells := workerCells(c, wk, !selected)
		if i == sel {
			cells[" "] = "▶"
		}
		line := tableRow(cols, cells)
		if selected {
			line = st.selected.Render(line)
		}
		body = append(body, line)
		if wk.PO == "" {
			continue
		}
		for _, f := range wk.Progress.InFlight {
			if spare == 0 {
				break
			}
			body = append(body, fileLine(st, "      ", f, w-2, true))
			spare--
		}
	}
	if len(snap.Workers) == 0 {
		body = append(body, st.dim.Render("no workers yet"))
	}
	title := fmt.Sprintf("Workers %d/%d", snap.WorkerCount, snap.TargetWorkers)
	note := ""
	if snap.Effective < snap.TargetWorkers && snap.TargetWorkers > 0 {
		note = fmt.Sprintf("pressure limits to %d", snap.Effective)
	}
	for _, e := range snap.Endpoints {
		note = strings.TrimSpace(note + fmt.Sprintf(" %s %s %d/%d busy %d", e.Name, e.Health(), e.Connected, e.Slots, e.Busy))
	}
	if n := len(snap.Workers); n > rows && rows > 0 {
		note = strings.TrimSpace(note + fmt.Sprintf(" %d–%d of %d", top+1, min(n, top+rows), n))
	}
	return box(st, title, note, focused, w, h, body)
}

// workerCells formats one worker; styled adds colour to state words.
func workerCells(c *common, wk pool.WorkerInfo, styled bool) map[string]string {
	st := c.st
	glyph := "·"
	switch wk.State {
	case pool.WorkerBusy, pool.WorkerStarting, pool.WorkerRetiring:
		glyph = c.spinner()
	case pool.WorkerRestarting:
		glyph = "↻"
	case pool.WorkerStopped:
		glyph = "■"
	}
	state := glyph + " " + wk.State.String()
	if styled {
		switch wk.State {
		case pool.WorkerBusy:
			state = st.ok.Render(state)
		case pool.WorkerRestarting:
			state = st.warn.Render(state)
		case pool.WorkerStopped, pool.WorkerIdle:
			state = st.dim.Render(state)
		}
	}
	cells := map[string]string{
		"W":     "W" + strconv.Itoa(wk.ID),
		"STATE": state,
		"TASKS": strconv.Itoa(wk.TasksDone),
		"RST":   strconv.Itoa(wk.Restarts),
	}
	if wk.MemBytes > 0 {
		cells["MEM"] = bytesHuman(wk.MemBytes)
	}
	if e := endpointOf(c.snap, wk); e != nil {
		cells["MEM"] = "@" + e.Name // a remote slot: its memory is its host's
	}
	if wk.PO != "" {
		// PO, TIME and FILES are the PO whose page the browser opened
		// last; NOTE names the older ones it still downloads
		// (pipeline_depth).
		cells["PO"] = "PO" + wk.PO
		if !wk.TaskStart.IsZero() {
			cells["TIME"] = clock(c.now.Sub(wk.TaskStart))
		}
		cells["FILES"] = fmt.Sprintf("%d/%d", wk.Progress.Done, wk.Progress.Found)
		cells["NOTE"] = wk.Progress.Phase + olderTasks(wk)
	}
	if wk.LastError != "" && wk.State != pool.WorkerBusy {
		note := "last error: " + wk.LastError
		if styled {
			note = st.warn.Render(note)
		}
		cells["NOTE"] = note
	}
	return cells
}

// endpointOf is the endpoint of a remote worker, nil for a local one.
func endpointOf(snap pool.Snapshot, wk pool.WorkerInfo) *pool.EndpointInfo {
	if wk.Endpoint < 1 || wk.Endpoint > len(snap.Endpoints) {
		return nil
	}
	return &snap.Endpoints[wk.Endpoint-1]
}

// olderTasks names the POs a worker still downloads beside its newest one,
// with their files done/found: " · ⇣PO4500001 2/3".
func olderTasks(wk pool.WorkerInfo) string {
	var b strings.Builder
	for _, t := range wk.Tasks {
		if t.ID == wk.Task {
			continue
		}
		fmt.Fprintf(&b, " · ⇣PO%s %d/%d", t.PO, t.Progress.Done, t.Progress.Found)
	}
	return b.String()
}
