package run

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/emailpdf"
	"coupatui/pool"
	"coupatui/store"
)

// convertTimeout bounds the conversion of one e-mail.
const convertTimeout = 2 * time.Minute

// convertParallel is how many POs' e-mails are converted at once. Printing
// takes CPU from the workers' pages: on 2 cores, 20 light POs with an
// e-mail each took 30% longer each with one conversion at a time and 50%
// with two, so one it is.
const convertParallel = 1

// convJob is one finished PO's e-mail files to convert.
type convJob struct {
	po     string
	folder string   // the PO's final folder
	files  []string // e-mail file names in it
}

// converter turns the e-mails of finished POs into PDFs, convertParallel
// POs at a time, in goroutines it owns: a PO's conversions are queued once its outcome is
// recorded, so they never hold a worker or count in a PO's time. It prints
// with the pool's browsers while one is up, then with a browser of its
// own (fallback). Each outcome is recorded in the journal before changed
// is called.
type converter struct {
	log      *slog.Logger
	pool     emailpdf.Printer // nil: the fallback only
	fallback *localPrinter    // started on first need
	record   func(context.Context, store.Conversion) error
	changed  func()

	mu      sync.Mutex // guards the fields below
	queue   []convJob
	busy    int           // jobs being converted
	closing bool          // no new job is taken
	wake    chan struct{} // closed and replaced when the queue or busy changes
	ctx     context.Context
	cancel  context.CancelFunc // ends the conversion in flight (abandon)
	wg      sync.WaitGroup     // the converting goroutines
}

func newConverter(log *slog.Logger, p emailpdf.Printer, fallback *localPrinter,
	record func(context.Context, store.Conversion) error, changed func()) *converter {
	c := &converter{log: log, pool: p, fallback: fallback, record: record, changed: changed,
		wake: make(chan struct{})}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	for range convertParallel {
		c.wg.Go(c.loop)
	}
	return c
}

// add queues the e-mail files among files of a finished PO; it never
// blocks.
func (c *converter) add(po, folder string, files []string) {
	var mails []string
	for _, f := range files {
		if emailpdf.IsEmail(f) {
			mails = append(mails, f)
		}
	}
	if len(mails) == 0 || folder == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return
	}
	c.queue = append(c.queue, convJob{po: po, folder: folder, files: mails})
	c.signalLocked()
}

func (c *converter) signalLocked() {
	close(c.wake)
	c.wake = make(chan struct{})
}

func (c *converter) loop() {
	for {
		c.mu.Lock()
		for len(c.queue) == 0 && !c.closing {
			w := c.wake
			c.mu.Unlock()
			<-w
			c.mu.Lock()
		}
		if len(c.queue) == 0 || c.ctx.Err() != nil {
			c.mu.Unlock()
			return
		}
		job := c.queue[0]
		c.queue = c.queue[1:]
		c.busy++
		c.mu.Unlock()

		c.convert(job)

		c.mu.Lock()
		c.busy--
		c.signalLocked()
		c.mu.Unlock()
	}
}

// convert converts one PO's e-mails and records each outcome.
func (c *converter) convert(job convJob) {
	for _, name := range job.files {
		if c.ctx.Err() != nil {
			return
		}
		ctx, cancel := context.WithTimeout(c.ctx, convertTimeout)
		res, err := emailpdf.Convert(ctx, filepath.Join(job.folder, name), c)
		cancel()
		if c.ctx.Err() != nil {
			return // abandoned: a re-run or `coupatui pdf` converts it
		}
		conv := store.Conversion{PO: job.po, Source: name, Attachments: len(res.Attachments)}
		if err != nil {
			conv.Error = err.Error()
			c.log.Warn("e-mail not converted to PDF", "po", job.po, "file", name, "err", err)
		} else {
			conv.PDF = filepath.Base(res.PDF)
			c.log.Info("e-mail converted to PDF", "po", job.po, "file", name, "pdf", conv.PDF,
				"attachments", len(res.Attachments), "ms", res.Elapsed.Milliseconds())
		}
		if err := c.record(context.Background(), conv); err != nil {
			c.log.Error("journal: recording a conversion", "po", job.po, "file", name, "err", err)
			continue
		}
		c.changed()
	}
}

// PrintPDF prints with the pool's browsers while one is up, else with the
// fallback browser.
func (c *converter) PrintPDF(ctx context.Context, html string) ([]byte, error) {
	if c.pool != nil {
		pdf, err := c.pool.PrintPDF(ctx, html)
		if !errors.Is(err, pool.ErrNoBrowser) {
			return pdf, err
		}
	}
	if c.fallback == nil {
		return nil, pool.ErrNoBrowser
	}
	return c.fallback.PrintPDF(ctx, html)
}

// idle waits until nothing is queued or converting, or ctx ends.
func (c *converter) idle(ctx context.Context) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.queue) > 0 || c.busy > 0 {
		w := c.wake
		c.mu.Unlock()
		select {
		case <-w:
		case <-ctx.Done():
			c.mu.Lock()
			return false
		}
		c.mu.Lock()
	}
	return true
}

// finish converts what is queued (within ctx; the rest is abandoned),
// stops the goroutine and the fallback browser, and returns how many
// e-mail files were left unconverted.
func (c *converter) finish(ctx context.Context) int {
	c.mu.Lock()
	c.closing = true
	c.signalLocked()
	c.mu.Unlock()
	stop := context.AfterFunc(ctx, c.cancel)
	c.wg.Wait()
	stop()
	c.cancel()
	c.mu.Lock()
	left := 0
	for _, j := range c.queue {
		left += len(j.files)
	}
	c.queue = nil
	c.mu.Unlock()
	if c.fallback != nil {
		c.fallback.close()
	}
	return left
}

// errNoPrinter means the browser to print PDFs with did not start.
var errNoPrinter = errors.New("no browser to print PDFs with")

// localPrinter is a headless browser of its own, started on first use,
// for printing when the pool has none: `coupatui pdf`, and a run's last
// conversions once its workers have left.
type localPrinter struct {
	opts browser.Options // ProfileDir is made per start
	log  *slog.Logger

	mu      sync.Mutex // guards b, profile, err
	b       *browser.Browser
	profile string
	err     error // the start failed: every print says why
}

func newLocalPrinter(cfg config.Config, log *slog.Logger) *localPrinter {
	return &localPrinter{log: log, opts: browser.Options{
		ExecPath: cfg.Browser.ExecPath, Headless: true,
		StartTimeout: cfg.Pool.WorkerStartupTimeout.Duration, Logger: log,
	}}
}

func (l *localPrinter) browser(ctx context.Context) (*browser.Browser, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b != nil || l.err != nil {
		return l.b, l.err
	}
	opts := l.opts
	dir, err := os.MkdirTemp("", "coupatui-pdf-")
	if err != nil {
		l.err = fmt.Errorf("%w: a profile folder: %w", errNoPrinter, err)
		return nil, l.err
	}
	opts.ProfileDir, l.profile = dir, dir
	b, err := browser.Launch(ctx, opts)
	if err != nil {
		l.err = fmt.Errorf("%w: %w", errNoPrinter, err)
		os.RemoveAll(l.profile)
		l.profile = ""
		return nil, l.err
	}
	l.b = b
	return b, nil
}

func (l *localPrinter) PrintPDF(ctx context.Context, html string) ([]byte, error) {
	b, err := l.browser(ctx)
	if err != nil {
		return nil, err
	}
	return b.PrintPDF(ctx, html, browser.PDFOptions{})
}

func (l *localPrinter) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b != nil {
		if err := l.b.Close(); err != nil {
			l.log.Warn("closing the PDF browser", "err", err)
		}
		l.b = nil
	}
	if l.profile != "" {
		os.RemoveAll(l.profile)
		l.profile = ""
	}
}

// convertedCells is the CONVERTED column of a PO: per e-mail file among
// files (all recorded ones when files is empty), its PDF, or why it has
// none.
func convertedCells(convs []store.Conversion, files []string) []string {
	keep := map[string]bool{}
	for _, f := range files {
		keep[f] = true
	}
	var out []string
	for _, c := range convs {
		if len(files) > 0 && !keep[c.Source] {
			continue // a file of an earlier attempt, no longer the PO's
		}
		if c.PDF != "" {
			out = append(out, c.PDF)
			continue
		}
		// "; " separates the entries of the cell.
		out = append(out, c.Source+": not converted: "+strings.ReplaceAll(c.Error, "; ", ", "))
	}
	return out
}
