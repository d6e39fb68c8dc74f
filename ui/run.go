package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// consoleFPS is how often Bubble Tea's renderer wakes to write a frame. It
// wakes at that rate even when nothing changed (its ticker never stops),
// and each wake-up costs a few context switches: on this project's shared
// 2-core machine a bare Bubble Tea program used 0.6–0.8% of a core at 30
// fps, about 0.45% at 15 and 0.27% at 10, most of an idle console's 1%
// budget. What the console shows changes at most 10 times a second (event
// batches; spinners 5); only a key's echo wants more, and at 10 fps it
// shows within 100 ms (50 on average).
const consoleFPS = 10

// Run shows the console until the operator quits and the pool's shutdown
// has finished. It owns the event bridge and every goroutine the console
// starts, and waits for them before returning.
//
// The first q (or a signal, see Options.Quit) drains the pool gracefully;
// a second q asks whether to force it (Close). When ctx ends, the console
// closes and so does the pool. Run returns nil after a
// quit the operator asked for, ctx's error when ctx ended it, and the
// shutdown's error if the pool reported one.
func Run(ctx context.Context, opts Options, progOpts ...tea.ProgramOption) error {
	if opts.Pool == nil {
		return errors.New("ui.Run: Options.Pool is nil")
	}
	m := New(opts)
	m.ctx = ctx

	br := newBridge(opts.Events, opts.Samples, bridgeInterval)
	m.attach(br)
	bctx, stopBridge := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { br.run(bctx) })

	all := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFilter(quitFilter), tea.WithFPS(consoleFPS)}
	if opts.Quit != nil {
		all = append(all, tea.WithoutSignalHandler())
	}
	if opts.NoColor {
		all = append(all, tea.WithColorProfile(colorprofile.Ascii))
	}
	all = append(all, progOpts...)
	p := tea.NewProgram(m, all...)
	if opts.Quit != nil {
		wg.Go(func() {
			for {
				select {
				case <-bctx.Done():
					return
				case _, ok := <-opts.Quit:
					if !ok {
						return
					}
					p.Send(signalQuitMsg{})
				}
			}
		})
	}
	_, runErr := p.Run()

	stopBridge()
	wg.Wait()
	if m.quit != phaseDone {
		// The program ended without the operator's quit (ctx ended, the
		// program was killed): make sure the pool stops too.
		if err := opts.Pool.Close(); err != nil && m.shutdownErr == nil {
			m.shutdownErr = err
		}
	}
	m.bg.wait()

	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("console: %w", ctx.Err())
	case runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled):
		return fmt.Errorf("console: %w", runErr)
	case m.shutdownErr != nil:
		return fmt.Errorf("console: pool shutdown: %w", m.shutdownErr)
	}
	return nil
}

// quitFilter turns a quit the console did not ask for (SIGTERM gives
// tea.QuitMsg, SIGINT without a terminal tea.InterruptMsg) into a graceful
// drain, so the pool is never abandoned mid-task.
func quitFilter(model tea.Model, msg tea.Msg) tea.Msg {
	m, ok := model.(*Model)
	if !ok || m.quitting {
		return msg
	}
	switch msg.(type) {
	case tea.QuitMsg, tea.InterruptMsg:
		return signalQuitMsg{}
	}
	return msg
}
