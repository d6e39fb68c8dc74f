package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"

	"coupatui/coupa"
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

func (p *workersPane) refresh() { p.clamp() }

// clamp keeps the selection valid after the worker list changed.
func (p *workersPane) clamp() {
	n := len(p.c.snap.Workers)
	p.sel = max(0, min(p.sel, n-1))
	p.top = scrollTo(p.sel, p.top, p.rows(), n)
}

func (p *workersPane) selectRow(row int) {
	p.sel = p.top + row
	p.clamp()
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

// renderWorkers draws the workers pane: a row per worker (workerCells)
// and, under a busy worker, a line per file it is downloading, as room
// allows.
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
		row := workerCells(c, wk)
		if i == sel {
			row[" "] = span{text: "▶"}
		}
		selected := i == sel && focused
		line := tableRow(st, cols, row, !selected)
		if selected {
			line = st.render(tSelected, line)
		}
		body = append(body, line)
		for _, f := range workerFiles(wk) {
			if spare == 0 {
				break
			}
			body = append(body, st.paint(fileLine("      ", f, w-2)))
			spare--
		}
	}
	if len(snap.Workers) == 0 {
		body = append(body, st.render(tDim, "no workers yet"))
	}
	title := "Workers " + workerCount(snap)
	note := ""
	if snap.Effective < snap.TargetWorkers && snap.TargetWorkers > 0 {
		note = fmt.Sprintf("pressure limits to %d", snap.Effective)
	}
	for i, e := range snap.Endpoints {
		note = strings.TrimSpace(note + fmt.Sprintf(" %s %s %s %d/%d busy %d", endpointTag(i+1), e.Name, e.Health(), e.Connected, e.Slots, e.Busy))
	}
	if n := len(snap.Workers); n > rows && rows > 0 {
		note = strings.TrimSpace(note + fmt.Sprintf(" %d–%d of %d", top+1, min(n, top+rows), n))
	}
	return box(st, title, note, focused, w, h, body)
}

// heldTasks are the tasks a worker holds, oldest first (with
// pipeline_depth above 1 the older POs download while the newest one's
// page loads); a snapshot that lists none but names a task holds that one.
func heldTasks(wk pool.WorkerInfo) []pool.WorkerTask {
	if wk.PO == "" {
		return nil
	}
	if len(wk.Tasks) == 0 {
		return []pool.WorkerTask{{ID: wk.Task, PO: wk.PO, Started: wk.TaskStart, Progress: wk.Progress}}
	}
	return wk.Tasks
}

// workerFiles are the files a worker is downloading, shown under its row:
// those of every PO it holds, oldest first.
func workerFiles(wk pool.WorkerInfo) []coupa.FileProgress {
	ts := heldTasks(wk)
	if len(ts) == 1 {
		return ts[0].Progress.InFlight
	}
	var files []coupa.FileProgress
	for _, t := range ts {
		files = append(files, t.Progress.InFlight...)
	}
	return files
}

// spins says a worker in state s shows a spinner: it is busy, starting or
// retiring. The console ticks fast only while one does (animating).
func spins(s pool.WorkerState) bool {
	return s == pool.WorkerBusy || s == pool.WorkerStarting || s == pool.WorkerRetiring
}

// workerCells is one worker's row: state with a spinner, current PO, time
// on it, files done/found, browser memory, tasks done and restarts.
func workerCells(c *common, wk pool.WorkerInfo) tableCells {
	glyph, state := "·", tPlain
	switch {
	case spins(wk.State):
		glyph = c.spinner()
	case wk.State == pool.WorkerRestarting:
		glyph = "↻"
	case wk.State == pool.WorkerStopped:
		glyph = "■"
	}
	switch wk.State {
	case pool.WorkerBusy:
		state = tOK
	case pool.WorkerRestarting:
		state = tWarn
	case pool.WorkerStopped, pool.WorkerIdle:
		state = tDim
	}
	row := tableCells{
		"W":     {text: "W" + strconv.Itoa(wk.ID)},
		"STATE": {glyph + " " + wk.State.String(), state},
		"TASKS": {text: strconv.Itoa(wk.TasksDone)},
		"RST":   {text: strconv.Itoa(wk.Restarts)},
	}
	if wk.MemBytes > 0 {
		row["MEM"] = span{text: bytesHuman(wk.MemBytes)}
	}
	if endpointOf(c.snap, wk) != nil {
		// A remote slot: its memory is its host's. The tag is the
		// endpoint's number in the title, which names it: a host:port
		// would not fit and cut short would not tell two apart.
		row["MEM"] = span{text: endpointTag(wk.Endpoint)}
	}
	if wk.PO != "" {
		// PO, TIME and FILES are the PO whose page the browser opened
		// last; NOTE names the older ones it still downloads
		// (pipeline_depth).
		row["PO"] = span{text: "PO" + wk.PO}
		if !wk.TaskStart.IsZero() {
			row["TIME"] = span{text: clock(c.now.Sub(wk.TaskStart))}
		}
		row["FILES"] = span{text: fmt.Sprintf("%d/%d", wk.Progress.Done, wk.Progress.Found)}
		row["NOTE"] = span{text: wk.Progress.Phase + olderTasks(wk)}
	}
	if wk.LastError != "" && wk.State != pool.WorkerBusy {
		row["NOTE"] = span{"last error: " + wk.LastError, tWarn}
	}
	return row
}

// endpointTag is how a remote worker's row and the pane's title name
// endpoint n (1-based): "@1".
func endpointTag(n int) string { return "@" + strconv.Itoa(n) }

// workerCount is "local/target", and the remote slots' workers apart
// when there are endpoints: "1/1 + 4 remote".
func workerCount(snap pool.Snapshot) string {
	s := fmt.Sprintf("%d/%d", snap.LocalWorkers, snap.TargetWorkers)
	if len(snap.Endpoints) > 0 {
		s += fmt.Sprintf(" + %d remote", snap.WorkerCount-snap.LocalWorkers)
	}
	return s
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
