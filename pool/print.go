package pool

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"coupatui/config"
)

// ErrNoBrowser means no browser of the pool is up to print with: none has
// started yet, or every worker has left.
var ErrNoBrowser = errors.New("no browser of the pool is running")

// printDrainTimeout bounds how long closing a browser waits for the
// prints running in it.
const printDrainTimeout = 10 * time.Second

// PrintPDF prints a self-contained HTML page as a PDF in a short-lived tab
// of one of the pool's live browsers. It takes no worker off its task and
// holds no task's page: the worker goes on with its queue while the tab
// prints, and the time is no PO's. It prefers an idle worker's browser,
// then the one printing least; when that browser dies or is recycled
// meanwhile it tries another once. It fails with ErrNoBrowser when no
// browser is up, and ends with ctx or when Close is called; a graceful
// Shutdown lets it finish.
func (p *Pool) PrintPDF(ctx context.Context, html string) ([]byte, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(p.printCtx, cancel)
	defer stop()
	var tried []int
	for attempt := 0; ; attempt++ {
		w, b := p.printer(tried)
		if w == nil {
			if len(tried) > 0 {
				return nil, fmt.Errorf("print PDF: the browser went away, and %w", ErrNoBrowser)
			}
			return nil, ErrNoBrowser
		}
		pdf, err := b.PrintPDF(ctx, html)
		p.mu.Lock()
		w.printing--
		p.broadcastLocked()
		p.unlock()
		if err == nil || ctx.Err() != nil || !isClosed(b.Done()) || attempt > 0 {
			return pdf, err
		}
		tried = append(tried, w.id)
	}
}

// printer picks the live browser to print with and counts the print on
// its worker; nil when there is none (skipping the workers in skip).
func (p *Pool) printer(skip []int) (*worker, Browser) {
	p.mu.Lock()
	defer p.unlock()
	var best *worker
	for _, w := range p.workers {
		if w.b == nil || isClosed(w.b.Done()) || w.recycleReason != "" || slices.Contains(skip, w.id) {
			continue
		}
		if best == nil || printRank(w) < printRank(best) || printRank(w) == printRank(best) && w.id < best.id {
			best = w
		}
	}
	if best == nil {
		return nil, nil
	}
	best.printing++
	return best, best.b
}

// printRank orders candidates: idle before busy (each PO it holds counts),
// then by prints running.
func printRank(w *worker) int {
	return (config.MaxPipelineDepth+1)*w.printing + len(w.tasks)
}

// waitPrints waits, bounded, until no print runs in w's browser: closing
// it would fail them. The caller has already taken the browser off w, so
// no new print starts in it.
func (p *Pool) waitPrints(w *worker) {
	deadline := time.NewTimer(printDrainTimeout)
	defer deadline.Stop()
	p.mu.Lock()
	defer p.unlock()
	for w.printing > 0 {
		ch := p.changed
		p.unlock()
		select {
		case <-ch:
		case <-deadline.C:
			p.mu.Lock()
			return
		}
		p.mu.Lock()
	}
}
