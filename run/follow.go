package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"coupatui/pool"
	"coupatui/ui"
)

// plain follows the run without a console: a line per PO on stderr (or
// JSON events on stdout) until the pool stops. It asks the quit
// controller to drain once every PO is final, on Coupa's sign-in wall, and
// when the disk fills: the one place where a hold picks the exit code.
func (s *session) plain(sub *pool.Subscription, total int) End {
	lw := &lineWriter{w: s.opts.Stderr, total: total, root: s.root}
	enc := json.NewEncoder(s.opts.Stdout)
	end, done := Finished, 0
	if total == 0 {
		s.quit.Drain("nothing to fetch")
	}
	for ev := range sub.C() {
		if s.opts.JSON {
			writeJSON(enc, ev)
		} else {
			lw.event(ev)
		}
		switch ev.Kind {
		case pool.EvTaskFinished, pool.EvTaskCancelled:
			if done++; done == total {
				s.drainWhenConverted("every PO is final")
			}
		case pool.EvSignInRequired:
			if end == Finished {
				fmt.Fprintf(s.opts.Stderr, "coupatui: %s.\nSign in with `coupatui login` (it opens a browser window), then run this command again: POs already done are kept.\n", ev.Reason)
				end = SignInRequired
			}
			s.quit.Drain("sign-in required")
		case pool.EvPoolHeld:
			switch ev.Hold {
			case pool.HoldDiskFull:
				if end == Finished {
					fmt.Fprintf(s.opts.Stderr, "coupatui: %s: free space and run again: POs already done and files already downloaded are kept.\n", ev.Reason)
					end = DiskFull
				}
				s.quit.Drain("disk full")
			default:
				fmt.Fprintf(s.opts.Stderr, "coupatui: paused: %s\n", ev.Reason)
			}
		case pool.EvPoolReleased:
			fmt.Fprintf(s.opts.Stderr, "coupatui: resumed: %s\n", ev.Reason)
		}
	}
	s.bg.Wait()
	if end == Finished && done < total {
		end = Interrupted
	}
	return end
}

// console runs the Bubble Tea console until the operator quits.
func (s *session) console(events *pool.Subscription, quit chan struct{}) End {
	p := s.pool
	samples, unsubscribe := s.mon.Subscribe()
	defer unsubscribe()
	err := ui.Run(context.Background(), ui.Options{
		Pool:            consolePool{Pool: p, q: s.quit},
		Events:          events.C(),
		Quit:            quit,
		Logs:            s.logs,
		Logger:          s.log,
		Samples:         samples,
		Input:           s.opts.Input,
		Report:          s.opts.Report,
		DownloadRoot:    s.root,
		MemoryThreshold: s.cfg.Pool.MemoryThreshold,
		ExitWhenDone:    s.cfg.UI.ExitWhenDone,
		Mouse:           s.cfg.UI.Mouse,
		NoColor:         os.Getenv("NO_COLOR") != "",
	}, s.opts.consoleOpts...)
	if err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error("console", "err", err)
	}
	p.Close() // the console has stopped it; make sure
	snap := p.Snapshot()
	switch {
	case snap.Counts.Done == snap.Counts.Total:
		return Finished
	case snap.SignIn:
		return SignInRequired
	}
	return Interrupted
}

// finishConversions ends the e-mail conversions once the pool has
// stopped: a finished run converts what is still queued (within
// shutdown_timeout, with a browser of its own), an interrupted one leaves
// it; either way it says what is left and how to convert it.
func (s *session) finishConversions(end End) {
	if s.conv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Pool.ShutdownTimeout.Duration)
	if end != Finished {
		cancel()
	}
	defer cancel()
	if left := s.conv.finish(ctx); left > 0 {
		s.tell(fmt.Sprintf("%d e-mails were not converted to PDF before the run ended: `coupatui pdf %s` converts them", left, s.root))
	}
}

// drainWhenConverted drains the run once the e-mails of the finished POs
// are converted, so their PDFs come from the pool's browsers; a signal
// drains at once.
func (s *session) drainWhenConverted(why string) {
	if s.conv == nil {
		s.quit.Drain(why)
		return
	}
	s.bg.Go(func() {
		ctx, cancel := context.WithTimeout(s.quit.startCtx, s.cfg.Pool.ShutdownTimeout.Duration)
		defer cancel()
		s.conv.idle(ctx)
		s.quit.Drain(why)
	})
}
