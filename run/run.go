package run

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/coupa"
	"coupatui/internal/diskfull"
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
	// said is log without stderr, for what is also said on stderr in its
	// own words (tell), so plain mode does not say it twice.
	said *slog.Logger
	logs *ui.LogBuffer // the console's log pane; nil without a console
	quit *quitter

	input   string        // absolute
	in      *sheet.Input  // nil once the rows are dropped (dropRows): src reads them again
	src     *sheet.Source // the input's bytes as read
	rows    int           // rows of the input as read, before any POs added at run time
	added   []string      // POs added at run time, in the order of their rows
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
	if s.cfg.Browser.ExecPath, err = browser.FindExec(s.cfg.Browser.ExecPath, s.cfg.Pool.HeadlessMode); err != nil {
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
		s.said = newLogger(logFile)
	} else {
		s.logs = ui.NewLogBuffer(2000)
		s.log = newLogger(logFile, s.logs)
		s.said = s.log
	}
	s.quit.setLog(s.log)
	// Anything a library writes with the log package goes the same way,
	// never onto the terminal under the console.
	slog.SetDefault(s.log)

	s.journal, err = openJournal(journalPath, s.said, s.opts.Stderr) // it says a move-aside on stderr itself
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

	s.in, s.src, err = sheet.ReadSource(s.opts.Input)
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

// tell says msg once on stderr ("coupatui: msg") and writes it to the log
// (the file, and the console's pane) at Warn.
func (s *session) tell(msg string) {
	s.said.Warn(msg)
	fmt.Fprintln(s.opts.Stderr, "coupatui:", msg)
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
		s.tell(removedMessage(s.opts.Input, p.removed))
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
		if browser.SessionReader(s.cfg.Browser.ExecPath) == "" {
			s.log.Warn("workers run in the headless shell and no full browser is installed to read the "+
				"signed-in session: a session cookie without expiry is lost (install chromium)",
				"browser", s.cfg.Browser.ExecPath)
		}
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
	s.dropRows()
	debug.FreeOSMemory() // reading the input took far more memory than the run keeps
	defer freeAfterBurst(pl, total)()
	defer giveBackFreeMemory(giveBackEvery)()
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
