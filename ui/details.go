package ui

import (
	"fmt"
	"strings"
	"time"

	"coupatui/pool"
	"coupatui/vocab"
)

// detailsView is the enter overlay: one task (attempts, errors, files,
// folder) or one worker and its task. Refreshed with every frame.
type detailsView struct {
	worker   bool
	workerID int
	wk       pool.WorkerInfo
	po       string
	task     pool.TaskInfo
	found    bool
	top      int
	width    int // inside the dialog, for the file bars; set as it is drawn
}

func (m *Model) openDetails() {
	d := detailsView{}
	switch m.focus {
	case paneWorkers:
		w, ok := m.workers.selected()
		if !ok {
			m.fail("no worker selected")
			return
		}
		d.worker, d.workerID, d.po = true, w.ID, w.PO
	default:
		t, ok := m.queue.selected()
		if !ok {
			m.fail("no task selected")
			return
		}
		d.po = t.PO
	}
	m.details = d
	m.details.refresh(m.opts.Pool, m.c.snap)
	m.overlay = ovDetails
}

func (d *detailsView) refresh(pl Pool, snap pool.Snapshot) {
	if d.worker {
		for _, w := range snap.Workers {
			if w.ID == d.workerID {
				d.wk = w
				if w.PO != "" {
					d.po = w.PO // follow the worker to its next task
				}
			}
		}
	}
	d.task, d.found = pool.TaskInfo{}, false
	if d.po != "" {
		d.task, d.found = pl.Task(d.po)
	}
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("15:04:05")
}

// detailLines is the overlay's content.
func detailLines(c *common, d *detailsView) []string {
	st := c.st
	var l []string
	if d.worker {
		w := d.wk
		l = append(l,
			st.bold.Render(fmt.Sprintf("Worker W%d", w.ID))+fmt.Sprintf(" · %s since %s (%s)", w.State, stamp(w.Since), human(c.now.Sub(w.Since))),
			browserLine(c, w),
			fmt.Sprintf("Tasks done %d · restarts %d · recycles %d", w.TasksDone, w.Restarts, w.Recycles),
		)
		if w.LastError != "" {
			l = append(l, st.warn.Render("Last error: "+w.LastError))
		}
		if w.PO == "" {
			l = append(l, "", "No task running.")
		}
		if len(w.Tasks) > 1 {
			l = append(l, "", "Holds (oldest first; the last one's page is the one open):")
			for _, t := range w.Tasks {
				what := "loading or reading its page"
				if t.PageRead {
					what = fmt.Sprintf("page read, downloading %d of %d files", t.Progress.Done, t.Progress.Found)
				}
				l = append(l, fmt.Sprintf("  PO%s · %s · %s", t.PO, human(c.now.Sub(t.Started)), what))
			}
		}
		l = append(l, "")
	}
	if d.po == "" {
		return l
	}
	if !d.found {
		return append(l, fmt.Sprintf("PO%s is no longer in the pool.", d.po))
	}
	t := d.task
	state := t.State.String()
	switch t.State {
	case vocab.TaskRunning:
		state = fmt.Sprintf("running on W%d", t.Worker)
	case vocab.TaskRetrying:
		state = fmt.Sprintf("retrying at %s (in %s)", stamp(t.NextTry), human(t.NextTry.Sub(c.now)))
	case vocab.TaskDone:
		s, glyph := st.statusStyle(t.Result.Status)
		state = s.Render(glyph + " " + string(t.Result.Status))
	}
	l = append(l,
		st.bold.Render("PO"+t.PO)+" · "+prioBadge(st, t.Priority, true)+" · "+state+fmt.Sprintf(" · attempt %d", t.Attempts),
		fmt.Sprintf("Submitted %s · started %s · finished %s", stamp(t.Submitted), stamp(t.Started), stamp(t.Finished)),
	)
	if t.State == vocab.TaskRunning {
		l = append(l, fmt.Sprintf("Progress: %s, %d of %d files", orDash(t.Progress.Phase), t.Progress.Done, t.Progress.Found))
		if files := t.Progress.InFlight; len(files) > 0 {
			l = append(l, "", st.bold.Render(fmt.Sprintf("Downloading (%d)", len(files))))
			for _, f := range files {
				l = append(l, fileLine(st, "  ", f, max(40, d.width), true))
			}
		}
	}
	r := t.Result
	if t.State == vocab.TaskDone || t.State == vocab.TaskRetrying {
		l = append(l, fmt.Sprintf("Supplier %s · %d of %d attachments downloaded", orDash(r.Supplier), r.Downloaded, r.Found))
	}
	if r.Folder != "" {
		l = append(l, "Folder "+r.Folder)
	}
	if r.URL != "" {
		l = append(l, "URL "+r.URL)
	}
	if t.Meta.Row > 0 {
		l = append(l, fmt.Sprintf("Input row %d", t.Meta.Row))
	}
	if len(t.Meta.Hierarchy) > 0 {
		l = append(l, "Hierarchy "+strings.Join(t.Meta.Hierarchy, " / "))
	}
	l = append(l, "", st.bold.Render(fmt.Sprintf("Errors (%d)", len(t.Errors))))
	if len(t.Errors) == 0 {
		l = append(l, st.dim.Render("  none"))
	}
	for i, e := range t.Errors {
		l = append(l, st.fail.Render(fmt.Sprintf("  %d. %s", i+1, e)))
	}
	l = append(l, "", st.bold.Render(fmt.Sprintf("Files (%d)", len(r.Files))))
	if len(r.Files) == 0 {
		l = append(l, st.dim.Render("  none yet"))
	}
	for _, f := range r.Files {
		l = append(l, "  "+f)
	}
	return l
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// renderDetails draws the overlay from its first shown line.
func renderDetails(c *common, d *detailsView, w, h int) string {
	d.width = dialogInner(w)
	lines := detailLines(c, d)
	top := max(0, min(d.top, len(lines)-(h-2)))
	title := "Task PO" + d.po
	if d.worker {
		title = fmt.Sprintf("Worker W%d", d.workerID)
	}
	return dialog(c.st, title, lines[top:], w, h)
}

// browserLine says where a worker's browser runs: its process here, or the
// endpoint (host only) and that endpoint's health.
func browserLine(c *common, w pool.WorkerInfo) string {
	if e := endpointOf(c.snap, w); e != nil {
		return fmt.Sprintf("Remote browser at %s · endpoint %s, %d of %d slots connected, %d busy", e.Name, e.Health(), e.Connected, e.Slots, e.Busy)
	}
	return fmt.Sprintf("Browser PID %d · memory %s (%s) · CPU %.0f%%", w.PID, bytesHuman(w.MemBytes), orDash(w.MemKind), w.CPU)
}
