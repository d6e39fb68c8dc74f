package ui

import (
	"coupatui/vocab"

	tea "charm.land/bubbletea/v2"
)

// onKey routes a key press: the top dialog takes every key, so typing
// never fires a command; otherwise the keymap names the action.
func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	if d := m.dialogs.top(); d != nil {
		return m.toDialog(d, k)
	}
	act, ok := m.keys.global[k.String()]
	if !ok {
		return nil
	}
	return m.do(act)
}

// onPaste gives a bracketed paste to the top dialog; without one it is
// ignored, so pasted text never fires commands.
func (m *Model) onPaste(p tea.PasteMsg) tea.Cmd {
	if d := m.dialogs.top(); d != nil {
		return m.toDialog(d, p)
	}
	return nil
}

// toDialog hands msg to d and takes d off the stack when it is done.
func (m *Model) toDialog(d dialog, msg tea.Msg) tea.Cmd {
	cmd, done := d.Update(msg)
	if done {
		m.dialogs.remove(d)
	}
	return cmd
}

// open puts d on top of the stack, sized to the body.
func (m *Model) open(d dialog) {
	d.SetSize(m.lay.body.w, m.lay.body.h)
	m.dialogs.push(d)
}

// ask opens a y/N question.
func (m *Model) ask(d *confirmDialog) { m.open(d) }

// do performs one action of the main screen: each is one call to the
// pane, the dialog or the command that owns it.
func (m *Model) do(act action) tea.Cmd {
	switch act {
	case actFocusNext:
		m.focus = (m.focus + 1) % paneCount
	case actFocusPrev:
		m.focus = (m.focus + paneCount - 1) % paneCount
	case actUp, actDown, actTop, actBottom, actPageUp, actPageDown:
		m.pane(m.focus).Move(act)
	case actFilter:
		m.openFilter()
	case actClear:
		m.clear()
	case actDetails:
		m.openDetails()
	case actAdd:
		m.open(newAddDialog(&m.c, m.opts.Pool))
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
		m.showDone()
	case actSummary:
		m.toggleSummary()
	case actSignedIn:
		return m.reauthenticate()
	case actHelp:
		m.open(newHelpDialog(&m.c, m.quitKey))
	case actQuit, actInterrupt:
		return m.quitKey()
	}
	return nil
}

// openFilter edits the filter of the log when it has the focus, else the
// queue's.
func (m *Model) openFilter() {
	if m.focus == paneLog {
		m.open(newFilterDialog(&m.c, paneLog.String(), m.logs))
		return
	}
	m.open(newFilterDialog(&m.c, paneQueue.String(), m.queue))
}

// openDetails shows the focused worker, or the task selected in the queue.
func (m *Model) openDetails() {
	if m.focus == paneWorkers {
		w, ok := m.workers.selected()
		if !ok {
			m.c.fail("no worker selected")
			return
		}
		m.open(newWorkerDetails(&m.c, m.opts.Pool, w, m.quitKey))
		return
	}
	t, ok := m.queue.selected()
	if !ok {
		m.c.fail("no task selected")
		return
	}
	m.open(newTaskDetails(&m.c, m.opts.Pool, t.PO, m.quitKey))
}

// clear is esc on the main screen: it clears the marks, else the focused
// pane's filter, else hides the summary. It never quits.
func (m *Model) clear() {
	switch {
	case m.focus != paneLog && m.queue.marked() > 0:
		m.c.ok(plural(m.queue.clearMarks(), "mark") + " cleared")
	case m.focus == paneLog && m.logs.filterText() != "":
		m.logs.setFilter("")
		m.c.ok("log filter cleared")
	case m.focus != paneLog && m.queue.filterText() != "":
		m.queue.setFilter("")
		m.c.ok("queue filter cleared")
	case m.finished && !m.summaryHidden:
		m.summaryHidden = true
	}
}

func (m *Model) toggleSummary() {
	if !m.finished {
		m.c.fail("the run is not finished yet; the summary shows when every task is final")
		return
	}
	m.summaryHidden = !m.summaryHidden
}

// onClick focuses the pane under the pointer and selects the row clicked.
func (m *Model) onClick(ms tea.Mouse) {
	if m.dialogs.newest(false) != nil || m.lay.tooSmall || (m.finished && !m.summaryHidden) {
		return
	}
	for id := range paneCount {
		r := m.lay.panes[id]
		if !r.contains(ms.X, ms.Y) {
			continue
		}
		m.focus = id
		if row := ms.Y - r.y - 2; row >= 0 { // below the border and column titles
			if s, ok := m.pane(id).(rowSelector); ok {
				s.selectRow(row)
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
		return
	}
}
