package ui

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	tea "charm.land/bubbletea/v2"

	"coupatui/pool"
	"coupatui/vocab"
)

// statusLine is the acknowledgement of the last command.
type statusLine struct {
	text string
	err  bool
	seq  int // counts acknowledgements, so newer ones can be told apart
}

// ok acknowledges a command that worked; it is logged as well.
func (m *Model) ok(text string) {
	m.status = statusLine{text: text, seq: m.status.seq + 1}
	m.opts.Logger.Info("console: " + text)
}

// fail reports a command that did not work.
func (m *Model) fail(text string) {
	m.status = statusLine{text: text, err: true, seq: m.status.seq + 1}
	m.opts.Logger.Warn("console: " + text)
}

// onKey routes a key press: an open prompt, input or dialog takes every key
// first, so typing never fires a command; otherwise the keymap decides.
func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	ks := k.String()
	switch {
	case m.confirm != nil:
		return m.onConfirmKey(ks)
	case m.filter != nil:
		return m.onFilterKey(k)
	case m.overlay == ovAdd:
		return m.onAddKey(k)
	case m.overlay == ovHelp || m.overlay == ovDetails:
		return m.onOverlayKey(ks)
	}
	act, ok := m.keys.global[ks]
	if !ok {
		return nil
	}
	return m.do(act)
}

// do performs one action of the main screen.
func (m *Model) do(act action) tea.Cmd {
	switch act {
	case actFocusNext:
		m.focus = (m.focus + 1) % paneCount
	case actFocusPrev:
		m.focus = (m.focus + paneCount - 1) % paneCount
	case actUp, actDown, actTop, actBottom, actPageUp, actPageDown:
		m.pane(m.focus).Move(act)
		if m.focus == paneQueue {
			m.queue.refresh(m.opts.Pool)
		}
	case actFilter:
		m.openFilter()
	case actClear:
		m.clear()
	case actDetails:
		m.openDetails()
	case actAdd:
		m.add = newAddDialog(m.lay.w)
		m.overlay = ovAdd
	case actUrgent:
		m.setPriority(vocab.Urgent)
	case actHigh:
		m.setPriority(vocab.High)
	case actNormal:
		m.setPriority(vocab.Normal)
	case actLow:
		m.setPriority(vocab.Low)
	case actCancel:
		m.askCancel()
	case actMark:
		m.mark()
	case actSortNext:
		m.sortBy(+1)
	case actSortPrev:
		m.sortBy(-1)
	case actOpen:
		return m.openFolder()
	case actCopy:
		return m.copyPO()
	case actRetry:
		m.retry()
	case actScaleUp:
		m.scale(+1)
	case actScaleDown:
		m.scale(-1)
	case actPause:
		m.togglePause()
	case actShowDone:
		m.queue.showDone = !m.queue.showDone
		m.queue.sel, m.queue.top = 0, 0
		m.queue.refresh(m.opts.Pool)
		if m.queue.showDone {
			m.ok("the queue shows finished tasks too")
		} else {
			m.ok("the queue shows unfinished tasks only")
		}
	case actSummary:
		if !m.finished {
			m.fail("the run is not finished yet; the summary shows when every task is final")
			break
		}
		m.summaryHidden = !m.summaryHidden
	case actSignedIn:
		return m.reauthenticate()
	case actHelp:
		m.overlay, m.helpTop = ovHelp, 0
	case actQuit, actInterrupt:
		return m.quitKey()
	}
	return nil
}

// clear is esc on the main screen: it clears the marks, else the focused
// pane's filter, else hides the summary. It never quits.
func (m *Model) clear() {
	switch {
	case m.focus != paneLog && len(m.queue.marks) > 0:
		n := len(m.queue.marks)
		m.queue.marks = nil
		m.ok(plural(n, "mark") + " cleared")
	case m.focus == paneLog && m.logs.filter != "":
		m.logs.setFilter("")
		m.ok("log filter cleared")
	case m.focus != paneLog && m.queue.filter != "":
		m.queue.filter = ""
		m.queue.sel, m.queue.top = 0, 0
		m.queue.refresh(m.opts.Pool)
		m.ok("queue filter cleared")
	case m.finished && !m.summaryHidden:
		m.summaryHidden = true
	}
}

// selectedPO is the PO the task keys act on: the focused worker's task, or
// the task selected in the queue as the screen shows it.
func (m *Model) selectedPO() (string, bool) {
	if m.focus == paneWorkers {
		if w, ok := m.workers.selected(); ok && w.PO != "" {
			return w.PO, true
		}
		m.fail("the selected worker has no task")
		return "", false
	}
	t, ok := m.queue.selected()
	if !ok {
		m.fail("no task selected")
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
	q, pl := m.queue, m.opts.Pool
	switch {
	case m.focus == paneWorkers:
	case len(q.marks) > 0:
		// In the order the queue shows them, which the pool keeps; marked
		// ones the filter or d hides now come after, by PO.
		seen := map[string]bool{}
		for _, t := range pl.Tasks(q.query(0, 0)).Tasks {
			if q.marks[t.PO] {
				ts = append(ts, t)
				seen[t.PO] = true
			}
		}
		for _, po := range slices.Sorted(maps.Keys(q.marks)) {
			if t, found := pl.Task(po); found && !seen[po] {
				ts = append(ts, t)
			}
		}
		return ts, "marked", true
	case q.filter != "":
		ts = pl.Tasks(q.query(0, 0)).Tasks
		if len(ts) == 0 {
			m.fail(fmt.Sprintf("no task matches %q", q.filter))
			return nil, "", false
		}
		return ts, fmt.Sprintf("matching %q", q.filter), true
	}
	po, ok := m.selectedPO()
	if !ok {
		return nil, "", false
	}
	t, found := pl.Task(po)
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

func waiting(s vocab.TaskState) bool { return s == vocab.TaskQueued || s == vocab.TaskRetrying }
func live(s vocab.TaskState) bool    { return s != vocab.TaskDone }

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
	w, pos := keep(ts, waiting)
	switch len(w) {
	case 0:
		m.fail(fmt.Sprintf("none of the %s waits in the queue; only waiting tasks can be reprioritised", tasksOf(len(ts), source)))
		return
	case 1: // one is acted on as the selected task is
		m.setOnePriority(pos[0], p)
		m.queue.marks = nil
		return
	}
	q := fmt.Sprintf("Set %s to %s?", tasksOf(len(w), source), p)
	if n := len(ts) - len(w); n > 0 {
		q = fmt.Sprintf("Set %s to %s? (%d running or finished stay as they are)", tasksOf(len(w), source), p, n)
	}
	m.confirm = &confirmation{
		question: q,
		yes: func() tea.Cmd {
			b, err := m.opts.Pool.SetPriorityMany(pos, p)
			m.bulkDone(b, err, "reprioritise", "moved to "+p.String(), "had started or finished meanwhile")
			return nil
		},
		no: fmt.Sprintf("%s left as they are", tasksOf(len(w), source)),
	}
}

// bulkDone acknowledges a command on many tasks (what it changed, what it
// left) and clears the marks it used.
func (m *Model) bulkDone(b pool.Bulk, err error, what, changed, skipped string) {
	if err != nil {
		m.fail(commandError(what, "", err))
		return
	}
	msg := plural(b.Changed, "task") + " " + changed
	if b.Skipped > 0 {
		msg += fmt.Sprintf("; %d %s", b.Skipped, skipped)
	}
	m.queue.marks = nil
	m.ok(msg)
	m.queue.refresh(m.opts.Pool)
}

func (m *Model) setOnePriority(po string, p vocab.Priority) {
	err := m.opts.Pool.SetPriority(po, p)
	switch {
	case err == nil:
		m.ok(fmt.Sprintf("PO%s moved to %s", po, p))
	case errors.Is(err, pool.ErrNotQueued):
		m.fail(fmt.Sprintf("PO%s is not waiting in the queue; only queued tasks can be reprioritised", po))
	default:
		m.fail(commandError("reprioritise", po, err))
	}
	m.queue.refresh(m.opts.Pool)
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
		m.queue.marks = nil
	}
	po := ts[0].PO
	q := fmt.Sprintf("Cancel PO%s?", po)
	if t, found := m.opts.Pool.Task(po); found && t.State == vocab.TaskRunning {
		q = fmt.Sprintf("Cancel PO%s? It is running on W%d.", po, t.Worker)
	}
	m.confirm = &confirmation{
		question: q,
		yes: func() tea.Cmd {
			if err := m.opts.Pool.Cancel(po); err != nil {
				m.fail(commandError("cancel", po, err))
			} else {
				m.ok(fmt.Sprintf("PO%s cancelled", po))
			}
			m.queue.refresh(m.opts.Pool)
			return nil
		},
		no: fmt.Sprintf("PO%s kept", po),
	}
}

// askCancelMany cancels the target tasks not final yet after one y/N
// that names how many, in one pool call.
func (m *Model) askCancelMany(ts []pool.TaskInfo, source string) {
	l, pos := keep(ts, live)
	if len(l) == 0 {
		m.fail(fmt.Sprintf("the %s are all final already; nothing to cancel", tasksOf(len(ts), source)))
		return
	}
	running, _ := keep(l, func(s vocab.TaskState) bool { return s == vocab.TaskRunning })
	q := fmt.Sprintf("Cancel %s?", tasksOf(len(l), source))
	if len(running) > 0 {
		q = fmt.Sprintf("Cancel %s? %d of them running.", tasksOf(len(l), source), len(running))
	}
	m.confirm = &confirmation{
		question: q,
		yes: func() tea.Cmd {
			b, err := m.opts.Pool.CancelMany(pos)
			m.bulkDone(b, err, "cancel", "cancelled", "had finished meanwhile")
			return nil
		},
		no: fmt.Sprintf("%s kept", tasksOf(len(l), source)),
	}
}

// mark toggles the selected task's mark and moves down, so a run of tasks
// is marked by holding space.
func (m *Model) mark() {
	if m.focus != paneQueue {
		m.fail("marks are for the queue: tab to it first")
		return
	}
	po, marked, ok := m.queue.toggleMark()
	if !ok {
		m.fail("no task selected")
		return
	}
	word := "marked"
	if !marked {
		word = "unmarked"
	}
	m.ok(fmt.Sprintf("PO%s %s · %s (u/h/n/l or x act on them, esc clears)", po, word, plural(len(m.queue.marks), "mark")))
	m.queue.Move(actDown)
	m.queue.refresh(m.opts.Pool)
}

// sortBy moves the queue's sort to the next (+1) or previous (-1) column.
func (m *Model) sortBy(step int) {
	const n = int(pool.SortAttempts) + 1
	m.queue.sort = pool.SortKey((int(m.queue.sort) + step + n) % n)
	m.queue.sel, m.queue.top = 0, 0
	m.queue.refresh(m.opts.Pool)
	m.ok("queue sorted by " + m.queue.sort.String() + " (> next column, < previous)")
}

// selectedTask is the task the o and y keys act on.
func (m *Model) selectedTask() (pool.TaskInfo, bool) {
	po, ok := m.selectedPO()
	if !ok {
		return pool.TaskInfo{}, false
	}
	t, found := m.opts.Pool.Task(po)
	if !found {
		m.fail(fmt.Sprintf("PO%s is no longer in the pool", po))
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
		m.fail(fmt.Sprintf("PO%s has no folder yet: nothing of it is on disk", t.PO))
		return nil
	}
	m.ok("opening " + folder)
	open := m.opts.Open
	return m.bg.run(func() tea.Msg { return openDoneMsg{folder: folder, err: open(folder)} })
}

// onOpenDone reports an opener that failed, the folder first: without a
// desktop the operator still learns where it is.
func (m *Model) onOpenDone(msg openDoneMsg) {
	if msg.err != nil {
		m.fail(fmt.Sprintf("cannot open %s: %v", msg.folder, msg.err))
	}
}

// copyPO puts the selected PO number on the clipboard through the
// terminal (OSC 52).
func (m *Model) copyPO() tea.Cmd {
	po, ok := m.selectedPO()
	if !ok {
		return nil
	}
	m.ok(fmt.Sprintf("copied %s to the clipboard (through the terminal: OSC 52)", po))
	return tea.SetClipboard(po)
}

// copyError puts the error of the task in the details view on the
// clipboard: its outcome's, else its last attempt's.
func (m *Model) copyError() tea.Cmd {
	t := m.details.task
	msg := t.Result.ErrorMessage()
	if msg == "" && len(t.Errors) > 0 {
		msg = t.Errors[len(t.Errors)-1]
	}
	if !m.details.found || msg == "" {
		m.fail("this task has no error to copy")
		return nil
	}
	m.ok(fmt.Sprintf("copied PO%s's error to the clipboard (OSC 52)", t.PO))
	return tea.SetClipboard(msg)
}

func (m *Model) retry() {
	po, ok := m.selectedPO()
	if !ok {
		return
	}
	err := m.opts.Pool.Retry(po)
	switch {
	case err == nil:
		m.ok(fmt.Sprintf("PO%s queued again", po))
	case errors.Is(err, pool.ErrNotFailed):
		m.fail(fmt.Sprintf("PO%s has not failed; nothing to retry", po))
	default:
		m.fail(commandError("retry", po, err))
	}
	m.queue.refresh(m.opts.Pool)
}

// scale asks for one worker more or less, checking the limits first so the
// message can name them.
func (m *Model) scale(delta int) {
	snap := m.c.snap
	n := snap.TargetWorkers + delta
	if snap.MaxWorkers > 0 && n > snap.MaxWorkers {
		m.fail(fmt.Sprintf("already at the maximum of %d workers", snap.MaxWorkers))
		return
	}
	if n < snap.MinWorkers || n < 1 {
		m.fail(fmt.Sprintf("already at the minimum of %d workers", max(1, snap.MinWorkers)))
		return
	}
	if err := m.opts.Pool.Scale(n); err != nil {
		if errors.Is(err, pool.ErrScaleLimit) {
			m.fail(fmt.Sprintf("cannot scale to %d workers: %v", n, err))
		} else {
			m.fail(commandError("scale", "", err))
		}
		return
	}
	m.ok(fmt.Sprintf("scaling to %d workers (was %d)", n, snap.TargetWorkers))
	m.c.snap = m.opts.Pool.Snapshot()
}

func (m *Model) togglePause() {
	if m.c.snap.State == pool.PoolPaused {
		if err := m.opts.Pool.Resume(); err != nil {
			m.fail(commandError("resume", "", err))
			return
		}
		m.ok("resumed: tasks start again")
	} else {
		if err := m.opts.Pool.Pause(); err != nil {
			m.fail(commandError("pause", "", err))
			return
		}
		m.ok("paused: no new task starts; running ones finish")
	}
	m.c.snap = m.opts.Pool.Snapshot()
}

// reauthenticate runs Reauthenticate off the event loop: it re-clones
// profiles, which takes a while.
func (m *Model) reauthenticate() tea.Cmd {
	if m.c.snap.State != pool.PoolSignInRequired && !m.c.snap.SignIn {
		m.fail("the pool is not waiting for a sign-in")
		return nil
	}
	m.ok("re-cloning the signed-in profile…")
	pl := m.opts.Pool
	return m.bg.run(func() tea.Msg { return reauthDoneMsg{err: pl.Reauthenticate()} })
}

func (m *Model) onReauthDone(err error) {
	if err != nil {
		m.fail(commandError("resume after sign-in", "", err))
		return
	}
	m.ok("signed in again; dispatching resumed")
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

// quitKey is q or ctrl+c: the first starts a graceful shutdown, the next
// asks whether to force it.
func (m *Model) quitKey() tea.Cmd {
	switch m.quit {
	case phaseRunning:
		return m.startDrain()
	case phaseDraining:
		running := m.c.snap.Counts.Running
		m.confirm = &confirmation{
			question: fmt.Sprintf("Force quit? %s will be cancelled.", plural(running, "running task")),
			yes:      m.force,
			no:       "still draining",
		}
	case phaseForcing:
		m.fail("forcing already; waiting for the pool to stop")
	}
	return nil
}

// startDrain calls the graceful Shutdown off the event loop.
func (m *Model) startDrain() tea.Cmd {
	m.quit = phaseDraining
	m.drainSeq = m.status.seq
	m.overlay = ovNone
	m.add, m.filter = nil, nil
	m.opts.Logger.Info("console: quitting; draining running tasks", "running", m.c.snap.Counts.Running)
	pl, ctx := m.opts.Pool, m.ctx
	return m.bg.run(func() tea.Msg { return shutdownDoneMsg{err: pl.Shutdown(ctx)} })
}

// force closes the pool, which cancels running tasks.
func (m *Model) force() tea.Cmd {
	m.quit = phaseForcing
	m.opts.Logger.Warn("console: forced quit; cancelling running tasks", "running", m.c.snap.Counts.Running)
	pl := m.opts.Pool
	return m.bg.run(func() tea.Msg { return forceDoneMsg{err: pl.Close()} })
}

func (m *Model) onShutdownDone(err error) tea.Cmd {
	m.quit = phaseDone
	m.shutdownErr = err
	if err != nil {
		m.opts.Logger.Warn("pool shutdown", "err", err)
	}
	m.quitting = true
	return tea.Quit
}

// onSignal handles SIGTERM/SIGINT: the first drains, the next forces
// without asking, since a signal cannot answer y/N.
func (m *Model) onSignal() tea.Cmd {
	switch m.quit {
	case phaseRunning:
		return m.startDrain()
	case phaseDraining:
		m.confirm = nil
		return m.force()
	}
	return nil
}

// onClick focuses the pane under the pointer and selects the row clicked.
func (m *Model) onClick(ms tea.Mouse) {
	if m.overlay != ovNone || m.lay.tooSmall || (m.finished && !m.summaryHidden) {
		return
	}
	for id := range paneCount {
		r := m.lay.panes[id]
		if !r.contains(ms.X, ms.Y) {
			continue
		}
		m.focus = id
		row := ms.Y - r.y - 2 // border and column titles
		switch id {
		case paneWorkers:
			if row >= 0 {
				m.workers.sel = m.workers.top + row
				m.workers.clamp()
			}
		case paneQueue:
			if row >= 0 {
				m.queue.sel = m.queue.top + row
				m.queue.clamp()
			}
		}
		return
	}
}

// onWheel scrolls the pane under the pointer.
func (m *Model) onWheel(ms tea.Mouse) {
	for id := range paneCount {
		if !m.lay.panes[id].contains(ms.X, ms.Y) {
			continue
		}
		switch ms.Button {
		case tea.MouseWheelUp:
			m.pane(id).Move(actUp)
		case tea.MouseWheelDown:
			m.pane(id).Move(actDown)
		}
		if id == paneQueue {
			m.queue.refresh(m.opts.Pool)
		}
		return
	}
}
