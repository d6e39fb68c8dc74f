package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
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
)

// session is one run of one input file: everything runInput wires together.
type session struct {
	cfg    config.Config
	opts   runOptions
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	logs   *ui.LogBuffer // the console's log pane; nil without a console

	in      *sheet.Input
	site    *coupa.Site
	root    string
	earlier map[string]sheet.Outcome // final outcomes of earlier runs of this input, by PO
	mon     *monitor.Monitor
	pool    *pool.Pool

	// demo: the simulator serves the site; workers need no signed-in profile.
	demo bool
}

// runInput processes every PO of one input file and returns the exit code.
func runInput(ctx context.Context, cfg config.Config, o runOptions, stdout, stderr io.Writer) int {
	s := &session{cfg: cfg, opts: o, stdout: stdout, stderr: stderr}
	return s.run(ctx)
}

func (s *session) run(ctx context.Context) int {
	in, err := sheet.Read(s.opts.input)
	if err != nil {
		return fail(s.stderr, err)
	}
	s.in = in
	if err := checkReportPath(s.opts.report, s.opts.input); err != nil {
		return fail(s.stderr, err)
	}
	if s.cfg.Browser.Remote == "" {
		exec, err := browser.FindExec(s.cfg.Browser.ExecPath)
		if err != nil {
			return fail(s.stderr, err)
		}
		s.cfg.Browser.ExecPath = exec
	}

	logFile, err := openLog(s.cfg)
	if err != nil {
		return fail(s.stderr, err)
	}
	defer logFile.Close()
	if s.opts.noTUI {
		// Progress lines carry the news; stderr gets only warnings and errors.
		s.log = newLogger(logFile, slog.NewTextHandler(s.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	} else {
		s.logs = ui.NewLogBuffer(2000)
		s.log = newLogger(logFile, s.logs)
	}
	// Anything a library writes with the log package goes the same way,
	// never onto the terminal under the console.
	slog.SetDefault(s.log)

	if s.root, err = filepath.Abs(s.cfg.DownloadRoot(s.opts.input)); err != nil {
		return fail(s.stderr, err)
	}
	s.site = &coupa.Site{
		BaseURL:         s.cfg.Coupa.BaseURL,
		Root:            s.root,
		Layout:          s.cfg.Downloads.Layout,
		PRFallback:      s.cfg.Downloads.PRFallback,
		PageTimeout:     s.cfg.Coupa.PageTimeout.Duration,
		MarkerTimeout:   s.cfg.Coupa.MarkerTimeout.Duration,
		DownloadsPerPO:  s.cfg.Browser.DownloadsPerPO,
		DownloadTimeout: s.cfg.Browser.DownloadTimeout.Duration,
		MaxFileBytes:    int64(s.cfg.Browser.MaxFileMB) << 20,
		Logger:          s.log,
	}

	journalPath, err := s.cfg.JournalPath()
	if err != nil {
		return fail(s.stderr, err)
	}
	st, err := store.Open(journalPath, store.WithLogger(s.log))
	if err != nil {
		return fail(s.stderr, err)
	}
	defer st.Close()
	absInput, _ := filepath.Abs(s.opts.input)
	s.earlier = map[string]sheet.Outcome{}
	if !s.opts.fresh {
		latest, err := st.Latest(absInput)
		if err != nil {
			return fail(s.stderr, err)
		}
		for po, tr := range latest {
			if o, ok := resumed(tr); ok {
				s.earlier[po] = o
			}
		}
	}
	run, err := st.BeginRun(absInput)
	if err != nil {
		return fail(s.stderr, err)
	}

	code := s.process(ctx, run)
	if code != exitFatal {
		if err := s.writeReport(); err != nil {
			fmt.Fprintf(s.stderr, "coupatui: %v\nEvery outcome is in the journal: run the same command again to write the workbook without fetching again.\n", err)
			code = exitFatal
			if diskfull.Is(err) {
				fmt.Fprintf(s.stderr, "coupatui: %s: free space and run again.\n", diskFullAt(err))
				code = exitDiskFull
			}
		}
	}
	if err := run.Finish(code != exitOK); err != nil {
		s.log.Error("journal", "err", err)
	}
	return code
}

// process runs the pool over the input's POs and returns the exit code.
func (s *session) process(ctx context.Context, run *store.Run) int {
	engine := &pool.Chromium{
		Site: s.site,
		Browser: browser.Options{
			ExecPath:       s.cfg.Browser.ExecPath,
			Headless:       s.cfg.Pool.HeadlessMode,
			BlockResources: s.cfg.Browser.BlockResources,
			Remote:         s.cfg.Browser.Remote,
			StartTimeout:   s.cfg.Pool.WorkerStartupTimeout.Duration,
			// One gate for every worker: the rate cap and a Retry-After
			// pause hold across the pool.
			Gate: browser.NewGate(s.cfg.Coupa.MaxRequestsPerSecond, s.log),
		},
		KeepClones:  !s.cfg.Pool.ProfileCleanupOnShutdown,
		NameWorkers: s.demo,
		Logger:      s.log,
	}
	if !s.demo && s.cfg.Browser.Remote == "" {
		m, err := s.profiles()
		if err != nil {
			return fail(s.stderr, err)
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

	p, err := pool.New(pool.ConfigFrom(s.cfg), pool.Deps{Engine: engine, Monitor: s.mon, Logger: s.log})
	if err != nil {
		return fail(s.stderr, err)
	}
	s.pool = p
	journalSub := p.Subscribe(0)
	journalDone := make(chan struct{})
	go func() {
		defer close(journalDone)
		journal(run, journalSub.C(), s.log)
	}()
	defer func() {
		p.Shutdown(context.Background())
		<-journalDone // C closes once the pool stopped and every event was recorded
		journalSub.Close()
	}()

	view := p.Subscribe(0) // the progress lines' or the console's
	defer view.Close()
	items := s.items()
	s.log.Info("starting", "input", s.opts.input, "pos", len(items), "earlier", len(s.earlier),
		"workers", s.cfg.Pool.WorkerCount.String(), "downloads", s.root)
	if _, err := p.SubmitMany(items); err != nil {
		return fail(s.stderr, err)
	}
	if s.opts.noTUI {
		if err := p.Start(ctx); err != nil {
			return fail(s.stderr, err)
		}
		return s.plain(ctx, view, len(items))
	}
	// The console shows the workers coming up; a start that fails is in
	// its log pane, and the pool keeps trying.
	started := make(chan struct{})
	go func() {
		defer close(started)
		if err := p.Start(ctx); err != nil {
			s.log.Error("no browser started", "err", err)
		}
	}()
	defer func() { <-started }()
	return s.console(ctx, view)
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

// items are the POs to submit: valid first occurrences not already final
// in an earlier run of this input.
func (s *session) items() []pool.Item {
	var items []pool.Item
	for _, r := range s.in.POs() {
		if _, done := s.earlier[r.PO]; done {
			continue
		}
		prio, _ := pool.ParsePriority(r.Priority)
		items = append(items, pool.Item{PO: r.PO, Priority: prio, Meta: pool.Meta{Row: r.Line, Hierarchy: r.Hierarchy}})
	}
	return items
}

// plain follows the run without a console: a line per PO on stderr (or
// JSON events on stdout) until every PO is final, the operator interrupts
// (a second interrupt forces the shutdown) or Coupa asks for a sign-in.
func (s *session) plain(ctx context.Context, sub *pool.Subscription, total int) int {
	lw := &lineWriter{w: s.stderr, total: total, root: s.root}
	enc := json.NewEncoder(s.stdout)
	done := 0
	for done < total {
		select {
		case <-ctx.Done():
			fmt.Fprintln(s.stderr, "coupatui: interrupted: letting running POs finish (interrupt again to stop now)")
			return s.interrupted()
		case ev := <-sub.C():
			if s.opts.json {
				writeJSON(enc, ev)
			} else {
				lw.event(ev)
			}
			switch ev.Kind {
			case pool.EvTaskFinished, pool.EvTaskCancelled:
				done++
			case pool.EvSignInRequired:
				fmt.Fprintf(s.stderr, "coupatui: %s.\nSign in with `coupatui login` (it opens a browser window), then run this command again: POs already done are kept.\n", ev.Reason)
				s.pool.Shutdown(context.Background())
				return exitSignIn
			case pool.EvPoolHeld:
				if ev.Hold == pool.HoldDiskFull {
					// No console to free space and press p in: stop
					// dispatch, let running POs end, write the workbook.
					fmt.Fprintf(s.stderr, "coupatui: %s: free space and run again: files already downloaded are kept, and no PO was marked failed for it.\n", ev.Reason)
					s.pool.Shutdown(context.Background())
					return exitDiskFull
				}
			}
		}
	}
	s.pool.Shutdown(context.Background())
	return exitOK
}

// interrupted shuts the pool down gracefully; a second interrupt forces it.
func (s *session) interrupted() int {
	again, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.pool.Shutdown(context.Background())
	}()
	select {
	case <-done:
	case <-again.Done():
		fmt.Fprintln(s.stderr, "coupatui: stopping now: running POs are cancelled")
		s.pool.Shutdown(context.Background()) // forces the first one
		<-done
	}
	return exitInterrupted
}

// console runs the Bubble Tea console until the operator quits.
func (s *session) console(ctx context.Context, events *pool.Subscription) int {
	p := s.pool
	err := ui.Run(ctx, ui.Options{
		Pool:            p,
		Events:          events.C(),
		Logs:            s.logs,
		Logger:          s.log,
		MemoryHistory:   s.memoryHistory,
		Input:           s.opts.input,
		Report:          s.opts.report,
		DownloadRoot:    s.root,
		MemoryThreshold: s.cfg.Pool.MemoryThreshold,
		ExitWhenDone:    s.cfg.UI.ExitWhenDone,
		Mouse:           s.cfg.UI.Mouse,
		NoColor:         os.Getenv("NO_COLOR") != "",
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error("console", "err", err)
	}
	snap := p.Snapshot()
	switch {
	case snap.Counts.Done == snap.Counts.Total:
		return exitOK
	case snap.SignIn:
		return exitSignIn
	}
	return exitInterrupted
}

func (s *session) memoryHistory() []float64 {
	h := s.mon.History(5 * time.Minute)
	out := make([]float64, len(h))
	for i, x := range h {
		out[i] = x.UsedRatio * 100
	}
	return out
}

// writeReport writes the results workbook: every input row with its
// outcome (this run's, an earlier run's, or PENDING), plus POs added at
// run time.
func (s *session) writeReport() error {
	outcomes := make(map[int]sheet.Outcome, len(s.in.Rows))
	seen := map[string]bool{}
	for _, r := range s.in.POs() {
		seen[r.PO] = true
		o, ok := s.earlier[r.PO]
		if !ok {
			o = sheet.Outcome{Status: string(coupa.Pending), URL: s.site.POURL(r.PO)}
			if s.pool != nil {
				if t, ok := s.pool.Task(r.PO); ok {
					o = outcomeOf(t)
				}
			}
		}
		if o.URL == "" {
			o.URL = s.site.POURL(r.PO)
		}
		outcomes[r.Line] = o
	}
	if s.pool != nil {
		// POs the operator added in the console get rows of their own.
		page := s.pool.Tasks(pool.TaskQuery{IncludeDone: true})
		for _, t := range page.Tasks {
			if seen[t.PO] || t.Meta.Row != 0 {
				continue
			}
			seen[t.PO] = true
			outcomes[s.in.Append(t.PO)] = outcomeOf(t)
		}
	}
	if err := sheet.WriteResults(s.opts.report, s.in, outcomes); err != nil {
		return err
	}
	s.log.Info("results written", "report", s.opts.report)
	return nil
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

// checkReportPath refuses, before any work, a results path that could not
// be written at the end, or would replace the input: each with one message.
func checkReportPath(report, input string) error {
	if !strings.EqualFold(filepath.Ext(report), ".xlsx") {
		return fmt.Errorf("results workbook %q: must end in .xlsx", report)
	}
	r, _ := filepath.Abs(report)
	i, _ := filepath.Abs(input)
	if r == i {
		return fmt.Errorf("results workbook %q is the input: the input is never modified; pass --report with another path", report)
	}
	if ri, err := os.Stat(r); err == nil { // follows links
		if ii, err := os.Stat(i); err == nil && os.SameFile(ri, ii) {
			return fmt.Errorf("results workbook %q is a link to the input %q: the input is never modified; pass --report with another path", report, input)
		}
		if ri.IsDir() {
			return fmt.Errorf("results workbook %q is a folder: pass --report with a file name ending in .xlsx", report)
		}
	}
	dir := filepath.Dir(r)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("results workbook %q: its folder does not exist", report)
	}
	// The workbook is written through a temp file in its folder: try one.
	probe, err := os.CreateTemp(dir, ".coupatui-write-check-*")
	if err != nil {
		return fmt.Errorf("results workbook %q: cannot write in its folder %s (%w): pass --report with a folder you can write to", report, dir, errors.Unwrap(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}
