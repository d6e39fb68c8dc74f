package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"coupatui/pool"
	"coupatui/vocab"
)

// detailsDialog is the enter view: one task (attempts, errors, files,
// folder) or one worker and its task. Refreshed with every frame.
type detailsDialog struct {
	pager
	pl       Pool
	worker   bool
	workerID int
	wk       pool.WorkerInfo
	po       string
	task     pool.TaskInfo
	found    bool
}

// newTaskDetails shows the task of po; newWorkerDetails the worker w and
// whatever task it runs.
func newTaskDetails(c *common, pl Pool, po string, quit func() tea.Cmd) *detailsDialog {
	d := &detailsDialog{pager: pager{c: c, own: actDetails, quit: quit}, pl: pl, po: po}
	d.refresh()
	return d
}

func newWorkerDetails(c *common, pl Pool, w pool.WorkerInfo, quit func() tea.Cmd) *detailsDialog {
	d := &detailsDialog{pager: pager{c: c, own: actDetails, quit: quit}, pl: pl, worker: true, workerID: w.ID, po: w.PO}
	d.refresh()
	return d
}

func (d *detailsDialog) Update(msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && d.c.keys.global[k.String()] == actCopy {
		return d.copyError(), false
	}
	return d.update(msg, len(detailLines(d.c, d)))
}

func (d *detailsDialog) Help() (string, []key.Binding) {
	return "view", []key.Binding{d.c.keys.move, d.c.keys.bindings[actClear]}
}

// copyError puts the error of the task on the clipboard: its outcome's,
// else its last attempt's.
func (d *detailsDialog) copyError() tea.Cmd {
	t := d.task
	msg := t.Result.ErrorMessage()
	if msg == "" && len(t.Errors) > 0 {
		msg = t.Errors[len(t.Errors)-1]
	}
	if !d.found || msg == "" {
		d.c.fail("this task has no error to copy")
		return nil
	}
	d.c.ok(fmt.Sprintf("copied PO%s's error to the clipboard (OSC 52)", t.PO))
	return tea.SetClipboard(msg)
}

func (d *detailsDialog) refresh() {
	if d.worker {
		for _, w := range d.c.snap.Workers {
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
		d.task, d.found = d.pl.Task(d.po)
	}
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("15:04:05")
}

// detailLines is the view's content.
func detailLines(c *common, d *detailsDialog) [][]span {
	var l [][]span
	if d.worker {
		w := d.wk
		l = append(l,
			[]span{{fmt.Sprintf("Worker W%d", w.ID), tBold}, {text: fmt.Sprintf(" · %s since %s (%s)", w.State, stamp(w.Since), human(c.now.Sub(w.Since)))}},
			plain(browserLine(c, w)),
			plain(fmt.Sprintf("Tasks done %d · restarts %d · recycles %d", w.TasksDone, w.Restarts, w.Recycles)),
		)
		if w.LastError != "" {
			l = append(l, toned(tWarn, "Last error: "+w.LastError))
		}
		if w.PO == "" {
			l = append(l, nil, plain("No task running."))
		}
		if len(w.Tasks) > 1 {
			l = append(l, nil, plain("Holds (oldest first; the last one's page is the one open):"))
			for _, t := range w.Tasks {
				what := "loading or reading its page"
				if t.PageRead {
					what = fmt.Sprintf("page read, downloading %d of %d files", t.Progress.Done, t.Progress.Found)
				}
				l = append(l, plain(fmt.Sprintf("  PO%s · %s · %s", t.PO, human(c.now.Sub(t.Started)), what)))
			}
		}
		l = append(l, nil)
	}
	if d.po == "" {
		return l
	}
	if !d.found {
		return append(l, plain(fmt.Sprintf("PO%s is no longer in the pool.", d.po)))
	}
	t := d.task
	state := span{text: t.State.String()}
	switch t.State {
	case vocab.TaskRunning:
		state.text = fmt.Sprintf("running on W%d", t.Worker)
	case vocab.TaskRetrying:
		state.text = fmt.Sprintf("retrying at %s (in %s)", stamp(t.NextTry), human(t.NextTry.Sub(c.now)))
	case vocab.TaskDone:
		tn, glyph := statusLook(t.Result.Status)
		state = span{glyph + " " + string(t.Result.Status), tn}
	}
	l = append(l,
		[]span{{"PO" + t.PO, tBold}, {text: " · "}, prioSpan(t.Priority), {text: " · "}, state, {text: fmt.Sprintf(" · attempt %d", t.Attempts)}},
		plain(fmt.Sprintf("Submitted %s · started %s · finished %s", stamp(t.Submitted), stamp(t.Started), stamp(t.Finished))),
	)
	if t.State == vocab.TaskRunning {
		l = append(l, plain(fmt.Sprintf("Progress: %s, %d of %d files", orDash(t.Progress.Phase), t.Progress.Done, t.Progress.Found)))
		if files := t.Progress.InFlight; len(files) > 0 {
			l = append(l, nil, toned(tBold, fmt.Sprintf("Downloading (%d)", len(files))))
			for _, f := range files {
				l = append(l, fileLine("  ", f, max(40, dialogInner(d.w))))
			}
		}
	}
	r := t.Result
	if t.State == vocab.TaskDone || t.State == vocab.TaskRetrying {
		l = append(l, plain(fmt.Sprintf("Supplier %s · %d of %d attachments downloaded", orDash(r.Supplier), r.Downloaded, r.Found)))
	}
	if r.Folder != "" {
		l = append(l, plain("Folder "+r.Folder))
	}
	if r.URL != "" {
		l = append(l, plain("URL "+r.URL))
	}
	if t.Meta.Row > 0 {
		l = append(l, plain(fmt.Sprintf("Input row %d", t.Meta.Row)))
	}
	if len(t.Meta.Hierarchy) > 0 {
		l = append(l, plain("Hierarchy "+strings.Join(t.Meta.Hierarchy, " / ")))
	}
	l = append(l, nil, toned(tBold, fmt.Sprintf("Errors (%d)", len(t.Errors))))
	if len(t.Errors) == 0 {
		l = append(l, toned(tDim, "  none"))
	}
	for i, e := range t.Errors {
		l = append(l, toned(tFail, fmt.Sprintf("  %d. %s", i+1, e)))
	}
	l = append(l, nil, toned(tBold, fmt.Sprintf("Files (%d)", len(r.Files))))
	if len(r.Files) == 0 {
		l = append(l, toned(tDim, "  none yet"))
	}
	for _, f := range r.Files {
		l = append(l, plain("  "+f))
	}
	return l
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (d *detailsDialog) View() string {
	title := "Task PO" + d.po
	if d.worker {
		title = fmt.Sprintf("Worker W%d", d.workerID)
	}
	return d.view(title, detailLines(d.c, d))
}

// browserLine says where a worker's browser runs: its process here, or the
// endpoint (host only) and that endpoint's health.
func browserLine(c *common, w pool.WorkerInfo) string {
	if e := endpointOf(c.snap, w); e != nil {
		return fmt.Sprintf("Remote browser at %s · endpoint %s, %d of %d slots connected, %d busy", e.Name, e.Health(), e.Connected, e.Slots, e.Busy)
	}
	return fmt.Sprintf("Browser PID %d · memory %s (%s) · CPU %.0f%%", w.PID, bytesHuman(w.MemBytes), orDash(w.MemKind), w.CPU)
}
