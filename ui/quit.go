package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// Quitting never abandons the pool: q drains it (running tasks finish,
// nothing new starts), a second q asks whether to force it, and the
// console leaves only once the pool's shutdown has returned.

// quitPhase is where the operator's quit is.
type quitPhase int

const (
	phaseRunning  quitPhase = iota
	phaseDraining           // Shutdown called: running tasks finish, nothing new starts
	phaseForcing            // Shutdown called again: running tasks are cancelled
	phaseDone               // Shutdown returned
)

// quitKey is q or ctrl+c: the first starts a graceful shutdown, the next
// asks whether to force it.
func (m *Model) quitKey() tea.Cmd {
	switch m.quit {
	case phaseRunning:
		return m.startDrain()
	case phaseDraining:
		running := m.c.snap.Counts.Running
		m.ask(&confirmDialog{
			c:        &m.c,
			question: fmt.Sprintf("Force quit? %s will be cancelled.", plural(running, "running task")),
			yes:      m.force,
			no:       "still draining",
		})
	case phaseForcing:
		m.c.fail("forcing already; waiting for the pool to stop")
	}
	return nil
}

// startDrain calls the graceful Shutdown off the event loop.
func (m *Model) startDrain() tea.Cmd {
	m.quit = phaseDraining
	m.drainSeq = m.c.status.seq
	m.dialogs.removeIf(func(d dialog) bool { return !isConfirm(d) })
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

// onForceDone logs what forcing the pool's stop reported.
func (m *Model) onForceDone(err error) {
	if err != nil {
		m.opts.Logger.Warn("forced shutdown", "err", err)
	}
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
		m.dialogs.removeIf(isConfirm)
		return m.force()
	}
	return nil
}
