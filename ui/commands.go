package ui

import (
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"coupatui/pool"
	"coupatui/vocab"
)

// selectedPO is the PO the task keys act on: the focused worker's task, or
// the task selected in the queue as the screen shows it.
func (m *Model) selectedPO() (string, bool) {
	if m.focus == paneWorkers {
		if w, ok := m.workers.selected(); ok && w.PO != "" {
			return w.PO, true
		}
		m.c.fail("the selected worker has no task")
		return "", false
	}
	t, ok := m.queue.selected()
	if !ok {
		m.c.fail("no task selected")
		return "", false
	}
	return t.PO, true
}

// targets are the tasks the task keys act on: the marked ones; with no
// marks, every task the queue's filter shows; with neither, the selected
// one (the focused worker's task when the workers pane has the focus).
// source says which ("marked", `matching "102"`, or "" for the selected
// task), for the question and the acknowledgement.
func (m *Model) targets() (ts []pool.TaskInfo, source string, ok bool) {
	if m.focus != paneWorkers {
		if ts, source := m.queue.bulk(); source != "" {
			if len(ts) == 0 && m.queue.marked() == 0 {
				m.c.fail(fmt.Sprintf("no task matches %q", m.queue.filterText()))
				return nil, "", false
			}
			return ts, source, true
		}
	}
	po, ok := m.selectedPO()
	if !ok {
		return nil, "", false
	}
	t, found := m.opts.Pool.Task(po)
	if !found {
		t = pool.TaskInfo{PO: po}
	}
	return []pool.TaskInfo{t}, "", true
}

// tasksOf names n tasks of a source: "3 marked tasks", `10 tasks matching "102"`.
func tasksOf(n int, source string) string {
	if source == "marked" {
		return plural(n, "marked task")
	}
	return plural(n, "task") + " " + source
}

// keep returns the tasks of ts whose state ok accepts, and their POs.
func keep(ts []pool.TaskInfo, ok func(vocab.TaskState) bool) (kept []pool.TaskInfo, pos []string) {
	for _, t := range ts {
		if ok(t.State) {
			kept = append(kept, t)
			pos = append(pos, t.PO)
		}
	}
	return kept, pos
}

func live(s vocab.TaskState) bool { return !s.Final() }

// setPriority moves the target tasks to p: the selected one at once;
// several (only those still waiting) after a y/N that names how many, in
// one pool call.
func (m *Model) setPriority(p vocab.Priority) {
	ts, source, ok := m.targets()
	if !ok {
		return
	}
	if source == "" {
		m.setOnePriority(ts[0].PO, p)
		return
	}
	w, pos := keep(ts, vocab.TaskState.Waiting)
	switch len(w) {
	case 0:
		m.c.fail(fmt.Sprintf("none of the %s waits in the queue; only waiting tasks can be reprioritised", tasksOf(len(ts), source)))
		return
	case 1: // one is acted on as the selected task is
		m.setOnePriority(pos[0], p)
		m.queue.clearMarks()
		return
	}
	q := fmt.Sprintf("Set %s to %s?", tasksOf(len(w), source), p)
	if n := len(ts) - len(w); n > 0 {
		q = fmt.Sprintf("Set %s to %s? (%d running or finished stay as they are)", tasksOf(len(w), source), p, n)
	}
	m.ask(&confirmDialog{
		c:        &m.c,
		question: q,
		yes: func() tea.Cmd {
			b, err := m.opts.Pool.SetPriorityMany(pos, p)
			m.bulkDone(b, err, "reprioritise", "moved to "+p.String(), "had started or finished meanwhile")
			return nil
		},
		no: fmt.Sprintf("%s left as they are", tasksOf(len(w), source)),
	})
}

// bulkDone acknowledges a command on many tasks (what it changed, what it
// left) and clears the marks it used.
func (m *Model) bulkDone(b pool.Bulk, err error, what, changed, skipped string) {
	if err != nil {
		m.c.fail(commandError(what, "", err))
		return
	}
	msg := plural(b.Changed, "task") + " " + changed
	if b.Skipped > 0 {
		msg += fmt.Sprintf("; %d %s", b.Skipped, skipped)
	}
	m.queue.clearMarks()
	m.c.ok(msg)
	m.queue.reload()
}

func (m *Model) setOnePriority(po string, p vocab.Priority) {
	err := m.opts.Pool.SetPriority(po, p)
	switch {
	case err == nil:
		m.c.ok(fmt.Sprintf("PO%s moved to %s", po, p))
	case errors.Is(err, pool.ErrNotQueued):
		m.c.fail(fmt.Sprintf("PO%s is not waiting in the queue; only queued tasks can be reprioritised", po))
	default:
		m.c.fail(commandError("reprioritise", po, err))
	}
	m.queue.reload()
}

func (m *Model) askCancel() {
	ts, source, ok := m.targets()
	if !ok {
		return
	}
	if source != "" {
		l, _ := keep(ts, live)
		if len(l) != 1 {
			m.askCancelMany(ts, source)
			return
		}
		ts = l // one is asked about as the selected task is
		m.queue.clearMarks()
	}
	po := ts[0].PO
	q := fmt.Sprintf("Cancel PO%s?", po)
	if t, found := m.opts.Pool.Task(po); found && t.State == vocab.TaskRunning {
		q = fmt.Sprintf("Cancel PO%s? It is running on W%d.", po, t.Worker)
	}
	m.ask(&confirmDialog{
		c:        &m.c,
		question: q,
		yes: func() tea.Cmd {
			if err := m.opts.Pool.Cancel(po); err != nil {
				m.c.fail(commandError("cancel", po, err))
			} else {
				m.c.ok(fmt.Sprintf("PO%s cancelled", po))
			}
			m.queue.reload()
			return nil
		},
		no: fmt.Sprintf("PO%s kept", po),
	})
}

// askCancelMany cancels the target tasks not final yet after one y/N
// that names how many, in one pool call.
func (m *Model) askCancelMany(ts []pool.TaskInfo, source string) {
	l, pos := keep(ts, live)
	if len(l) == 0 {
		m.c.fail(fmt.Sprintf("the %s are all final already; nothing to cancel", tasksOf(len(ts), source)))
		return
	}
	running, _ := keep(l, func(s vocab.TaskState) bool { return s == vocab.TaskRunning })
	q := fmt.Sprintf("Cancel %s?", tasksOf(len(l), source))
	if len(running) > 0 {
		q = fmt.Sprintf("Cancel %s? %d of them running.", tasksOf(len(l), source), len(running))
	}
	m.ask(&confirmDialog{
		c:        &m.c,
		question: q,
		yes: func() tea.Cmd {
			b, err := m.opts.Pool.CancelMany(pos)
			m.bulkDone(b, err, "cancel", "cancelled", "had finished meanwhile")
			return nil
		},
		no: fmt.Sprintf("%s kept", tasksOf(len(l), source)),
	})
}

// mark toggles the selected task's mark and moves down, so a run of tasks
// is marked by holding space.
func (m *Model) mark() {
	if m.focus != paneQueue {
		m.c.fail("marks are for the queue: tab to it first")
		return
	}
	po, marked, ok := m.queue.toggleMark()
	if !ok {
		m.c.fail("no task selected")
		return
	}
	word := "marked"
	if !marked {
		word = "unmarked"
	}
	m.c.ok(fmt.Sprintf("PO%s %s · %s (u/h/n/l or x act on them, esc clears)", po, word, plural(m.queue.marked(), "mark")))
}

// sortBy moves the queue's sort to the next (+1) or previous (-1) column.
func (m *Model) sortBy(step int) {
	k := m.queue.sortBy(step)
	m.c.ok("queue sorted by " + k.String() + " (> next column, < previous)")
}

// showDone shows or hides the finished tasks in the queue.
func (m *Model) showDone() {
	if m.queue.toggleDone() {
		m.c.ok("the queue shows finished tasks too")
	} else {
		m.c.ok("the queue shows unfinished tasks only")
	}
}

// selectedTask is the task the o and y keys act on.
func (m *Model) selectedTask() (pool.TaskInfo, bool) {
	po, ok := m.selectedPO()
	if !ok {
		return pool.TaskInfo{}, false
	}
	t, found := m.opts.Pool.Task(po)
	if !found {
		m.c.fail(fmt.Sprintf("PO%s is no longer in the pool", po))
	}
	return t, found
}

// openFolder shows the selected PO's folder in the desktop's file manager,
// off the event loop.
func (m *Model) openFolder() tea.Cmd {
	t, ok := m.selectedTask()
	if !ok {
		return nil
	}
	folder := t.Result.Folder
	if folder == "" {
		m.c.fail(fmt.Sprintf("PO%s has no folder yet: nothing of it is on disk", t.PO))
		return nil
	}
	m.c.ok("opening " + folder)
	open := m.opts.Open
	return m.bg.run(func() tea.Msg { return openDoneMsg{folder: folder, err: open(folder)} })
}

// onOpenDone reports an opener that failed, the folder first: without a
// desktop the operator still learns where it is.
func (m *Model) onOpenDone(msg openDoneMsg) {
	if msg.err != nil {
		m.c.fail(fmt.Sprintf("cannot open %s: %v", msg.folder, msg.err))
	}
}

// copyPO puts the selected PO number on the clipboard through the
// terminal (OSC 52).
func (m *Model) copyPO() tea.Cmd {
	po, ok := m.selectedPO()
	if !ok {
		return nil
	}
	m.c.ok(fmt.Sprintf("copied %s to the clipboard (through the terminal: OSC 52)", po))
	return tea.SetClipboard(po)
}

func (m *Model) retry() {
	po, ok := m.selectedPO()
	if !ok {
		return
	}
	err := m.opts.Pool.Retry(po)
	switch {
	case err == nil:
		m.c.ok(fmt.Sprintf("PO%s queued again", po))
	case errors.Is(err, pool.ErrNotFailed):
		m.c.fail(fmt.Sprintf("PO%s has not failed; nothing to retry", po))
	default:
		m.c.fail(commandError("retry", po, err))
	}
	m.queue.reload()
}

// scale asks for one worker more or less, checking the limits first so the
// message can name them.
func (m *Model) scale(delta int) {
	snap := m.c.snap
	n := snap.TargetWorkers + delta
	if snap.MaxWorkers > 0 && n > snap.MaxWorkers {
		m.c.fail(fmt.Sprintf("already at the maximum of %d workers", snap.MaxWorkers))
		return
	}
	if n < snap.MinWorkers || n < 1 {
		m.c.fail(fmt.Sprintf("already at the minimum of %d workers", max(1, snap.MinWorkers)))
		return
	}
	if err := m.opts.Pool.Scale(n); err != nil {
		if errors.Is(err, pool.ErrScaleLimit) {
			m.c.fail(fmt.Sprintf("cannot scale to %d workers: %v", n, err))
		} else {
			m.c.fail(commandError("scale", "", err))
		}
		return
	}
	m.c.ok(fmt.Sprintf("scaling to %d workers (was %d)", n, snap.TargetWorkers))
	m.c.snap = m.opts.Pool.Snapshot()
}

func (m *Model) togglePause() {
	if m.c.snap.State == pool.PoolPaused {
		if err := m.opts.Pool.Resume(); err != nil {
			m.c.fail(commandError("resume", "", err))
			return
		}
		m.c.ok("resumed: tasks start again")
	} else {
		if err := m.opts.Pool.Pause(); err != nil {
			m.c.fail(commandError("pause", "", err))
			return
		}
		m.c.ok("paused: no new task starts; running ones finish")
	}
	m.c.snap = m.opts.Pool.Snapshot()
}

// reauthenticate runs Reauthenticate off the event loop: it re-clones
// profiles, which takes a while.
func (m *Model) reauthenticate() tea.Cmd {
	if m.c.snap.State != pool.PoolSignInRequired && !m.c.snap.SignIn {
		m.c.fail("the pool is not waiting for a sign-in")
		return nil
	}
	m.c.ok("re-cloning the signed-in profile…")
	pl := m.opts.Pool
	return m.bg.run(func() tea.Msg { return reauthDoneMsg{err: pl.Reauthenticate()} })
}

func (m *Model) onReauthDone(err error) {
	if err != nil {
		m.c.fail(commandError("resume after sign-in", "", err))
		return
	}
	m.c.ok("signed in again; dispatching resumed")
}

// commandError words a pool error for the status line.
func commandError(what, po string, err error) string {
	subject := what
	if po != "" {
		subject = fmt.Sprintf("%s PO%s", what, po)
	}
	switch {
	case errors.Is(err, pool.ErrUnknownTask):
		return fmt.Sprintf("%s: the pool has no such task", subject)
	case errors.Is(err, pool.ErrStopped):
		return fmt.Sprintf("%s: the pool is shutting down", subject)
	}
	return fmt.Sprintf("%s: %v", subject, err)
}
