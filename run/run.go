package run

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/coupa"
	"coupatui/internal/diskfull"
	"coupatui/metrics"
	"coupatui/monitor"
	"coupatui/pool"
	"coupatui/profiles"
	"coupatui/sheet"
	"coupatui/store"
	"coupatui/ui"
	"coupatui/vocab"
)

// ReportInterval is how often, at most, the results workbook is rewritten
// while outcomes change during a run.
const ReportInterval = 10 * time.Second

// session is one run of one input file: everything Run wires together.
type session struct {
	cfg  config.Config
	opts Options
	log  *slog.Logger
	logs *ui.LogBuffer // the console's log pane; nil without a console
	quit *quitter

	input   string // absolute
	in      *sheet.Input
	site    *coupa.Site
	root    string
	journal *store.Store
	run     *store.Run
	rec     *recorder
	mon     *monitor.Monitor
	pool    *pool.Pool
	conv    *converter     // nil without [downloads] email_to_pdf
	bg      sync.WaitGroup // plain mode's wait for the conversions before the drain

	reportEvery time.Duration // ReportInterval; tests shorten it
	reportMu    sync.Mutex    // one workbook write at a time
}

// Run processes every PO of one input file that earlier runs did not
// settle, and says how the run ended. A fatal error (bad input, no
// browser, another run on the same input) is returned before any work
// starts, as one message naming what to fix.
func Run(cfg config.Config, o Options) (End, error) {
	o.setDefaults()
	s := &session{cfg: cfg, opts: o, reportEvery: ReportInterval}
	return s.start()
}

func (s *session) start() (End, error) {
	// Signals count from the first moment: during start-up one ends the
	// run (exit 130, journal marked interrupted).
	s.log = slog.New(slog.DiscardHandler)
	s.quit = newQuitter(s.cfg.Pool.ShutdownTimeout.Duration, s.opts.Stderr, s.log)
	s.quit.watch(s.opts.Signals)
	defer s.quit.stop()

	if err := CheckMonitor(s.cfg); err != nil {
		return Interrupted, err
	}
	var err error
	if s.input, err = filepath.Abs(s.opts.Input); err != nil {
		return Interrupted, fmt.Errorf("input %s: %w", s.opts.Input, err)
	}
	if err := checkReportPath(s.opts.Report, s.opts.Input); err != nil {
		return Interrupted, err
	}
	// A local browser also reads the session cookies remote workers need.
	if s.cfg.Browser.ExecPath, err = browser.FindExec(s.cfg.Browser.ExecPath); err != nil {
		return Interrupted, err
	}
	if err := checkSelectors(s.cfg, siteOf(s.cfg)); err != nil {
		return Interrupted, err
	}
	journalPath, err := s.cfg.JournalPath()
	if err != nil {
		return Interrupted, err
	}
	if s.root, err = filepath.Abs(s.cfg.DownloadRoot(s.opts.Input)); err != nil {
		return Interrupted, err
	}
	// One run per input and per download root, for the run's whole life.
	inputLock, err := lockInput(journalPath, s.input, "run of "+s.input)
	if err != nil {
		return Interrupted, err
	}
	defer inputLock.Release()
	rootLock, err := lockRoot(s.root, "run of "+s.input)
	if err != nil {
		return Interrupted, err
	}
	defer rootLock.Release()

	logFile, err := openLog(s.cfg)
	if err != nil {
		return Interrupted, err
	}
	defer logFile.Close()
	if s.opts.NoTUI {
		// Progress lines carry the news; stderr gets only warnings and errors.
		s.log = newLogger(logFile, slog.NewTextHandler(s.opts.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	} else {
		s.logs = ui.NewLogBuffer(2000)
		s.log = newLogger(logFile, s.logs)
	}
	s.quit.setLog(s.log)
	// Anything a library writes with the log package goes the same way,
	// never onto the terminal under the console.
	slog.SetDefault(s.log)

	s.journal, err = openJournal(journalPath, s.log, s.opts.Stderr)
	if err != nil {
		return Interrupted, err
	}
	defer s.journal.Close()
	s.run, err = s.journal.BeginRun(s.input)
	if err != nil {
		return Interrupted, err
	}
	end := Interrupted
	defer func() {
		if err := s.run.Finish(end != Finished); err != nil {
			s.log.Error("journal", "err", err)
		}
	}()

	s.in, err = sheet.Read(s.opts.Input)
	if err != nil {
		return Interrupted, err
	}
	if s.quit.signalled() {
		return Interrupted, nil
	}
	s.site = siteOf(s.cfg)
	s.site.Root, s.site.Logger, s.site.SavePages = s.root, s.log, s.opts.SavePages
	if s.site.PagesDir = s.opts.pagesDir; s.site.PagesDir == "" {
		if s.site.PagesDir, err = s.cfg.PagesPath(s.opts.Input); err != nil {
			return Interrupted, err
		}
	}
	end, err = s.process()
	if err != nil {
		return end, err
	}
	if werr := s.writeReport(); werr != nil {
		if diskfull.Is(werr) {
			fmt.Fprintf(s.opts.Stderr, "coupatui: %v\ncoupatui: %s: free space and run again: every outcome is in the journal.\n", werr, diskFullAt(werr))
			return DiskFull, nil
		}
		return end, fmt.Errorf("%w\nEvery outcome is in the journal: `coupatui report %s` writes the workbook without fetching again", werr, s.opts.Input)
	}
	return end, nil
}

// process plans the run, drives the pool and follows it to its end.
func (s *session) process() (End, error) {
	latest, err := s.journal.Latest(s.input)
	if err != nil {
		return Interrupted, err
	}
	fresh := s.opts.Fresh
	if fresh && !s.opts.NoTUI && !s.opts.demo {
		if kept := keptCount(s.in, latest); kept > 0 {
			yes, answered := s.askFresh(kept)
			if !answered {
				return Interrupted, nil
			}
			fresh = yes
		}
	}
	p := makePlan(s.in, latest, fresh, s.opts.Redo)
	if len(p.removed) > 0 {
		msg := removedMessage(s.opts.Input, p.removed)
		s.log.Warn(msg)
		fmt.Fprintln(s.opts.Stderr, "coupatui:", msg)
		for _, tr := range p.removed {
			tr.State, tr.At, tr.Run = vocab.TaskRemoved, time.Time{}, 0
			if err := s.run.Record(context.Background(), tr); err != nil {
				return Interrupted, err
			}
		}
	}
	if err := s.run.Plan(len(p.fetch), p.kept, len(p.removed)); err != nil {
		return Interrupted, err
	}

	engine := &pool.Chromium{
		Site: s.site,
		Browser: browser.Options{
			ExecPath:       s.cfg.Browser.ExecPath,
			Headless:       s.cfg.Pool.HeadlessMode,
			BlockResources: s.cfg.Browser.BlockResources,
			StartTimeout:   s.cfg.Pool.WorkerStartupTimeout.Duration,
			KeepTabs:       s.cfg.Pool.PipelineDepth,
			// One gate for every worker: the rate cap and a Retry-After
			// pause hold across the pool.
			Gate: browser.NewGate(s.cfg.Coupa.MaxRequestsPerSecond, s.log),
		},
		KeepClones:  !s.cfg.Pool.ProfileCleanupOnShutdown,
		NameWorkers: s.opts.demo,
		Logger:      s.log,
	}
	for _, e := range s.cfg.Browser.Endpoints {
		engine.Remotes = append(engine.Remotes, e.URL)
	}
	if !s.opts.demo {
		m, err := s.profiles()
		if err != nil {
			return Interrupted, err
		}
		engine.Profiles = m
	}

	s.mon = monitor.New(monitor.Options{
		Interval:  s.cfg.Monitor.SampleInterval.Duration,
		Threshold: s.cfg.Pool.MemoryThreshold,
		Critical:  s.cfg.Monitor.MemoryCritical,
		Window:    s.cfg.Monitor.PressureWindow.Duration,
		Logger:    s.log,
	})
	monCtx, stopMonitor := context.WithCancel(context.Background())
	monDone := make(chan struct{})
	go func() {
		defer close(monDone)
		s.mon.Run(monCtx)
	}()
	defer func() {
		stopMonitor()
		<-monDone
	}()

	s.rec = &recorder{run: s.run}
	pl, err := pool.New(pool.ConfigFrom(s.cfg), pool.Deps{
		Engine:   haveEngine{Engine: engine, files: journalFiles(s.journal)},
		Monitor:  s.mon,
		Recorder: s.rec,
		Logger:   s.log,
	})
	if err != nil {
		return Interrupted, err
	}
	s.pool = pl
	if s.cfg.Downloads.EmailToPDF {
		s.conv = newConverter(s.log, pl, newLocalPrinter(s.cfg, s.log), s.run.RecordConversion,
			func() { s.rec.outcomes.Add(1) })
		s.rec.conv = s.conv
	}
	view := pl.Subscribe(0) // the progress lines' or the console's
	defer view.Close()
	if s.cfg.Monitor.Listen != "" {
		stop, err := s.serveMetrics()
		if err != nil {
			return Interrupted, err
		}
		defer stop()
	}

	var console chan struct{}
	if !s.opts.NoTUI {
		console = make(chan struct{}, 4)
	}
	s.quit.attach(pl, console)
	defer pl.Close() // a no-op once the pool has stopped

	stopReports := s.keepReport()
	defer stopReports()

	items := items(p.fetch)
	s.log.Info("starting", "input", s.opts.Input, "pos", len(items), "kept", p.kept,
		"workers", s.cfg.Pool.WorkerCount.String(), "downloads", s.root)
	if _, err := pl.SubmitMany(items); err != nil {
		return Interrupted, err
	}
	total := len(items)
	debug.FreeOSMemory() // reading the input took far more memory than the run keeps
	if s.opts.NoTUI {
		if err := pl.Start(s.quit.startCtx); err != nil && !s.quit.signalled() {
			return Interrupted, err
		}
		end := s.plain(view, total)
		s.finishConversions(end)
		return end, nil
	}
	// The console shows the workers coming up; a start that fails is in
	// its log pane, and the pool keeps trying.
	started := make(chan struct{})
	go func() {
		defer close(started)
		if err := pl.Start(s.quit.startCtx); err != nil {
			s.log.Error("no browser started", "err", err)
		}
	}()
	defer func() { <-started }()
	end := s.console(view, console)
	s.finishConversions(end)
	return end, nil
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
		msg := fmt.Sprintf("%d e-mails were not converted to PDF before the run ended: `coupatui pdf %s` converts them", left, s.root)
		s.log.Warn(msg)
		fmt.Fprintln(s.opts.Stderr, "coupatui:", msg)
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

// askFresh asks, before the console starts, whether --fresh may fetch
// again POs earlier runs settled; answered is false when a signal came
// first. (The read of the answer cannot be stopped: a signal leaves it
// behind, and the process ends soon after.)
func (s *session) askFresh(kept int) (yes, answered bool) {
	fmt.Fprintf(s.opts.Stderr, "--fresh: fetch again the %d POs earlier runs of %s settled? [y/N] ", kept, s.opts.Input)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(s.opts.Stdin).ReadString('\n')
		answer <- strings.ToLower(strings.TrimSpace(line))
	}()
	select {
	case line := <-answer:
		yes = line == "y" || line == "yes"
	case <-s.quit.startCtx.Done():
		fmt.Fprintln(s.opts.Stderr)
		return false, false
	}
	if !yes {
		fmt.Fprintln(s.opts.Stderr, "Keeping them: only the POs not settled yet are fetched.")
	}
	return yes, true
}

// profiles reclaims clones left by crashed runs and returns the manager of
// the signed-in base profile.
func (s *session) profiles() (*profiles.Manager, error) {
	m, err := profileManager(s.cfg, s.log)
	if err != nil {
		return nil, err
	}
	if rep, err := m.Reclaim(); err != nil {
		s.log.Warn("reclaiming stale profile clones", "err", err)
	} else if rep.Count > 0 {
		s.log.Info("reclaimed profile clones of crashed runs", "count", rep.Count, "bytes", rep.Bytes)
	}
	return m, nil
}

// items are the pool items of rows.
func items(rows []sheet.Row) []pool.Item {
	out := make([]pool.Item, 0, len(rows))
	for _, r := range rows {
		out = append(out, pool.Item{PO: r.PO, Priority: r.Priority, Meta: pool.Meta{Row: r.Line, Hierarchy: r.Hierarchy}})
	}
	return out
}

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

// CheckMonitor refuses a monitoring address that cannot be served as
// configured (beyond loopback without a token), before any work starts.
func CheckMonitor(cfg config.Config) error {
	if cfg.Monitor.Listen == "" {
		return nil
	}
	if err := metrics.CheckListen(cfg.Monitor.Listen, cfg.Monitor.ListenToken); err != nil {
		return fmt.Errorf("--listen / [monitor] listen: %w", err)
	}
	return nil
}

// serveMetrics starts the monitoring endpoint on the pool and the journal
// (before the pool starts, so the first attempt is counted) and returns
// what stops it: the server, then the metrics' subscription.
func (s *session) serveMetrics() (stop func(), err error) {
	m := metrics.New(s.pool.Snapshot)
	s.rec.timed = m.JournalWrite
	srv, err := metrics.Listen(s.cfg.Monitor.Listen, s.cfg.Monitor.ListenToken, m, s.log)
	if err != nil {
		return nil, err
	}
	// A large buffer: the metrics read fast, and a dropped progress
	// event is a file the download histograms miss.
	sub := s.pool.Subscribe(1 << 16)
	var wg sync.WaitGroup
	wg.Go(func() { m.Follow(sub) })
	return func() {
		if err := srv.Close(); err != nil {
			s.log.Warn("closing the monitoring endpoint", "err", err)
		}
		sub.Close()
		wg.Wait()
	}, nil
}

// writeReport rewrites the results workbook from the journal: every input
// row with the latest outcome recorded for it (this run's or an earlier
// run's) or PENDING, plus POs added in the console.
func (s *session) writeReport() error {
	s.reportMu.Lock()
	defer s.reportMu.Unlock()
	if _, err := writeResults(s.journal, s.in, s.opts.Report, false, s.site.POURL); err != nil {
		return err
	}
	s.log.Info("results written", "report", s.opts.Report)
	return nil
}

// keepReport rewrites the results workbook every reportEvery while
// outcomes are recorded, so a crash leaves a current one; it returns the
// function that stops it. A workbook of many rows takes seconds and much
// memory to write, so the wait is also at least ten times the last write
// (a tenth of a core at most), and the memory a write used goes back to
// the system at once instead of staying in the process for minutes.
func (s *session) keepReport() (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		wait := time.NewTimer(s.reportEvery)
		defer wait.Stop()
		written := int64(0)
		for {
			select {
			case <-quit:
				return
			case <-wait.C:
			}
			took := time.Duration(0)
			if n := s.rec.outcomes.Load(); n != written {
				began := time.Now()
				err := s.writeReport()
				took = time.Since(began)
				debug.FreeOSMemory()
				if err != nil {
					s.log.Warn("rewriting the results workbook", "err", err)
				} else {
					written = n
				}
			}
			wait.Reset(max(s.reportEvery, 10*took))
		}
	})
	return func() {
		close(quit)
		wg.Wait()
	}
}

// diskFullAt says where a disk-full error happened: "disk full at DIR".
func diskFullAt(err error) string {
	if dir := diskfull.Where(err); dir != "" {
		return "disk full at " + dir
	}
	return "disk full"
}

func relTo(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil {
		return rel
	}
	return path
}
