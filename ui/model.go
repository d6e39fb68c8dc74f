package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"coupatui/pool"
)

// Model is the console. It is a tea.Model owned by the Bubble Tea event
// loop: Init, Update and View run there and nowhere else, so its fields need
// no lock. Long pool calls (Shutdown, Reauthenticate) run on goroutines
// owned by bg and report back as messages.
type Model struct {
	opts Options
	c    common
	keys keyMap
	help help.Model
	ctx  context.Context // for Shutdown; Run sets it

	lay     layout
	workers *workersPane
	queue   *queuePane
	res     *resourcesPane
	logs    *logPane
	focus   paneID
	dialogs dialogStack // over the panes; the top one has the keys

	quit          quitPhase
	quitting      bool // tea.Quit was returned; lets the quit filter pass
	shutdownErr   error
	drainSeq      int  // c.status.seq when the drain began; later acks show beside it
	finished      bool // every task is final
	finishedAt    time.Time
	summaryHidden bool
	filePeak      int // most files in flight at once so far: the workers pane keeps room for them
	frameBytes    int // the last frame's size: the next one is about as long

	events <-chan eventsMsg // batches from the bridge; nil without one
	bg     *background
}

// Messages of the console's own making.
type (
	tickMsg         time.Time
	shutdownDoneMsg struct{ err error }
	forceDoneMsg    struct{ err error }
	reauthDoneMsg   struct{ err error }
	openDoneMsg     struct {
		folder string
		err    error
	}
	signalQuitMsg struct{} // SIGTERM or SIGINT reached the program
)

// New builds the console for opts. It does not start anything; Run does.
func New(opts Options) *Model {
	opts.setDefaults()
	m := &Model{
		opts: opts,
		keys: newKeyMap(),
		help: help.New(),
		ctx:  context.Background(),
		bg:   &background{},
	}
	m.c = common{st: newStyles(opts.NoColor), keys: m.keys, opts: &m.opts, hist: &history{}}
	m.help.Styles = m.c.st.helpStyles()
	m.help.ShortSeparator = " · "
	m.workers = &workersPane{c: &m.c}
	m.queue = &queuePane{c: &m.c, pl: m.opts.Pool, showDone: true}
	m.res = &resourcesPane{c: &m.c}
	m.logs = &logPane{c: &m.c, src: m.opts.Logs}
	m.focus = paneQueue
	return m
}

func (m *Model) pane(id paneID) pane {
	switch id {
	case paneWorkers:
		return m.workers
	case paneQueue:
		return m.queue
	case paneResources:
		return m.res
	}
	return m.logs
}

// Init refreshes once and starts the tick and, under Run, the event feed.
func (m *Model) Init() tea.Cmd {
	m.refresh()
	cmds := []tea.Cmd{m.tick()}
	if m.events != nil {
		cmds = append(cmds, waitEvents(m.events))
	}
	return tea.Batch(cmds...)
}

// idleTick is how often the console refreshes while nothing animates: the
// clocks it shows move by the second.
const idleTick = time.Second

func (m *Model) tick() tea.Cmd {
	d := m.opts.TickInterval
	if !m.animating() {
		d = max(d, idleTick)
	}
	return tea.Tick(d, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// animating reports whether a spinner shows: a worker or a task is busy.
func (m *Model) animating() bool {
	if m.c.snap.Counts.Running > 0 {
		return true
	}
	for _, w := range m.c.snap.Workers {
		if spins(w.State) {
			return true
		}
	}
	return false
}

// Update routes a message to what handles it: keys and pastes to the top
// dialog or to the main screen's actions (route.go), the pool's news and
// the clock to a refresh, the ends of background calls to their handlers
// (commands.go). It does no work of its own.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		m.refresh()
		return m, nil
	case tickMsg:
		return m, m.onTick()
	case eventsMsg:
		return m, m.onEvents(msg)
	case eventsClosedMsg:
		return m, m.onEventsClosed()
	case shutdownDoneMsg:
		return m, m.onShutdownDone(msg.err)
	case forceDoneMsg:
		m.onForceDone(msg.err)
		return m, nil
	case reauthDoneMsg:
		m.onReauthDone(msg.err)
		return m, nil
	case openDoneMsg:
		m.onOpenDone(msg)
		return m, nil
	case signalQuitMsg:
		return m, m.onSignal()
	case tea.KeyPressMsg:
		cmd := m.onKey(msg)
		m.refresh() // show what the command changed now, not at the next tick
		return m, tea.Batch(cmd, m.afterRefresh())
	case tea.PasteMsg:
		return m, m.onPaste(msg)
	case tea.MouseClickMsg:
		m.onClick(msg.Mouse())
		return m, nil
	case tea.MouseWheelMsg:
		m.onWheel(msg.Mouse())
		return m, nil
	}
	return m, nil
}

// onTick turns the spinners and refreshes; it asks for the next tick.
func (m *Model) onTick() tea.Cmd {
	m.c.frame++
	m.refresh()
	return tea.Batch(m.tick(), m.afterRefresh())
}

// onEventsClosed says the pool has stopped by itself: nothing more will
// come from it.
func (m *Model) onEventsClosed() tea.Cmd {
	m.refresh()
	if m.quit == phaseRunning {
		m.c.ok("the pool has stopped; press q to quit")
	}
	return m.afterRefresh()
}

// resize relayouts every pane for a w×h terminal.
func (m *Model) resize(w, h int) {
	m.lay = computeLayout(w, h, m.workerLines())
	for id := range paneCount {
		r := m.lay.panes[id]
		m.pane(id).SetSize(r.w, r.h)
	}
	for _, d := range m.dialogs {
		d.SetSize(m.lay.body.w, m.lay.body.h)
	}
}

// refresh re-reads everything the frame shows: the snapshot, then what
// each pane and each live dialog shows (the visible window of the queue,
// new log entries, the open details).
func (m *Model) refresh() {
	m.c.now = m.opts.Now()
	m.c.snap = m.opts.Pool.Snapshot()
	m.c.hist.sample(m.c.now, m.c.snap)
	m.filePeak = max(m.filePeak, filesInFlight(m.c.snap))
	if m.lay.w > 0 && computeLayout(m.lay.w, m.lay.h, m.workerLines()) != m.lay {
		m.resize(m.lay.w, m.lay.h) // the worker count changed the pane heights
	}
	for id := range paneCount {
		m.pane(id).refresh()
	}
	for _, d := range m.dialogs {
		if r, ok := d.(refresher); ok {
			r.refresh()
		}
	}
	counts := m.c.snap.Counts
	done := counts.Total > 0 && counts.Done == counts.Total
	if done && !m.finished {
		m.finishedAt = m.c.now
		m.summaryHidden = false
		m.opts.Logger.Info("every task is final", "tasks", counts.Total)
	}
	m.finished = done
}

// workerLines is how many lines the workers pane would like: one per
// worker and one per file in flight at the busiest moment so far (kept,
// so the panes do not jump as downloads come and go).
func (m *Model) workerLines() int { return len(m.c.snap.Workers) + m.filePeak }

// filesInFlight counts the files the workers are downloading now.
func filesInFlight(s pool.Snapshot) int {
	n := 0
	for _, w := range s.Workers {
		n += len(workerFiles(w))
	}
	return n
}

// afterRefresh starts what a refresh calls for: leaving by itself when the
// run is over and ExitWhenDone is set.
func (m *Model) afterRefresh() tea.Cmd {
	if m.finished && m.opts.ExitWhenDone && m.quit == phaseRunning {
		m.c.ok("every task is final; quitting (--exit-when-done)")
		return m.startDrain()
	}
	return nil
}

// onEvents tells the operator about the events that need them, refreshes
// and waits for the next batch.
func (m *Model) onEvents(b eventsMsg) tea.Cmd {
	m.logs.addMissed(b.Missed)
	for _, ev := range b.Notes {
		switch ev.Kind {
		case pool.EvSignInRequired:
			m.c.fail("Coupa asks to sign in again: run `coupatui login` in another terminal, then press L")
		case pool.EvSignInRestored:
			m.c.ok("signed in again; dispatching resumed")
		case pool.EvPoolHeld:
			m.c.fail(holdAdvice(ev.Hold, ev.Reason))
		case pool.EvPoolReleased:
			m.c.ok(ev.Reason + "; dispatching resumed")
		case pool.EvWorkerCrashed:
			if ev.Worker != nil {
				m.c.fail(fmt.Sprintf("W%d's browser crashed: %s", ev.Worker.ID, ev.Reason))
			}
		}
	}
	m.refresh()
	return tea.Batch(waitEvents(m.events), m.afterRefresh())
}

// View draws the frame: header, body (panes, or a dialog or the summary),
// status line and footer.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	if m.opts.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = fmt.Sprintf("coupatui %d/%d", m.c.snap.Counts.Done, m.c.snap.Counts.Total)
	return v
}

func (m *Model) render() string {
	l := m.lay
	if l.w == 0 {
		return ""
	}
	if l.tooSmall {
		return clip(fmt.Sprintf("terminal too small — need %d×%d (now %d×%d)", minWidth, minHeight, l.w, l.h), l.w)
	}
	// The frame is written once, into one buffer of about the last
	// frame's size: it is the console's largest allocation per frame.
	var b strings.Builder
	b.Grow(m.frameBytes + m.frameBytes/8)
	b.WriteString(renderHeader(&m.c, m.headerState(), l.w))
	b.WriteByte('\n')
	m.writeBody(&b)
	b.WriteByte('\n')
	b.WriteString(fit(m.renderStatus(), l.w))
	b.WriteByte('\n')
	b.WriteString(fit(m.renderFooter(), l.w))
	m.frameBytes = b.Len()
	return b.String()
}

// writeBody draws the panes, or what covers them, into b.
func (m *Model) writeBody(b *strings.Builder) {
	l := m.lay
	switch d := m.dialogs.newest(false); {
	case d != nil:
		b.WriteString(d.View())
		return
	case m.finished && !m.summaryHidden:
		b.WriteString(renderSummary(&m.c, m.summaryState(), l.body.w, l.body.h))
		return
	}
	view := func(id paneID) string { return m.pane(id).View(m.focus == id) }
	lines := func(ids ...paneID) []string {
		var out []string
		for _, id := range ids {
			out = append(out, strings.Split(view(id), "\n")...)
		}
		return out
	}
	if l.w < wideWidth {
		b.WriteString(view(paneWorkers))
		b.WriteByte('\n')
		writeSideBySide(b, lines(paneQueue), lines(paneResources, paneLog))
		return
	}
	writeSideBySide(b, lines(paneWorkers, paneQueue), lines(paneResources, paneLog))
}

// writeSideBySide writes two blocks of lines side by side; every line of a
// block already has the block's width.
func writeSideBySide(b *strings.Builder, left, right []string) {
	for i := range max(len(left), len(right)) {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(left) {
			b.WriteString(left[i])
		}
		if i < len(right) {
			b.WriteString(right[i])
		}
	}
}

// background owns the goroutines that run long pool calls off the event
// loop. Run waits for them before it returns.
type background struct{ wg sync.WaitGroup }

// run starts fn on an owned goroutine and returns the command that delivers
// its message. The goroutine ends when fn does, even if the program has
// quit and nobody reads the message.
func (b *background) run(fn func() tea.Msg) tea.Cmd {
	ch := make(chan tea.Msg, 1)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		ch <- fn()
	}()
	return func() tea.Msg { return <-ch }
}

func (b *background) wait() { b.wg.Wait() }

// holdAdvice says what was seen and what the operator does about it.
func holdAdvice(h pool.Hold, reason string) string {
	switch h {
	case pool.HoldDiskFull:
		return reason + ": free space, then press p"
	case pool.HoldJournal:
		return reason + ": the journal cannot write; fix the cause, then press p"
	}
	return reason
}
