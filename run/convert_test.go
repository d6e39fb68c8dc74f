package run

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"coupatui/emailpdf"
	"coupatui/emailpdf/mailtest"
	"coupatui/internal/testkit"
	"coupatui/pool"
	"coupatui/store"
)

type fakePrinter struct {
	mu    sync.Mutex
	n     int
	err   error
	block chan struct{}
}

func (f *fakePrinter) PrintPDF(ctx context.Context, html string) ([]byte, error) {
	f.mu.Lock()
	f.n++
	err, block := f.err, f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	return []byte("%PDF-1.4\n%%EOF\n"), nil
}

type recorded struct {
	mu    sync.Mutex
	convs []store.Conversion
}

func (r *recorded) record(_ context.Context, c store.Conversion) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.convs = append(r.convs, c)
	return nil
}

// Only e-mail files are converted, each outcome (a PDF, or why not) is
// recorded, and the pool's "no browser" sends the print to the fallback.
func TestConverterRecordsEachEmail(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.msg"), mailtest.MSG(mailtest.Sample("1")), 0o644)
	os.WriteFile(filepath.Join(dir, "b.eml"), []byte("not an e-mail at all\x00\x01"), 0o644)
	os.WriteFile(filepath.Join(dir, "q.pdf"), []byte("%PDF"), 0o644)
	noPool := emailpdf.PrinterFunc(func(context.Context, string) ([]byte, error) { return nil, pool.ErrNoBrowser })
	rec := &recorded{}
	changed := 0
	c := newConverter(discardLog(), noPool, nil, rec.record, func() { changed++ })
	fallback := &fakePrinter{}
	c.fallback = nil
	c.pool = emailpdf.PrinterFunc(func(ctx context.Context, html string) ([]byte, error) {
		if _, err := noPool(ctx, html); !errors.Is(err, pool.ErrNoBrowser) {
			t.Error("the fake pool printed")
		}
		return fallback.PrintPDF(ctx, html)
	})
	c.add("4500000001", dir, []string{"a.msg", "q.pdf", "b.eml"})
	if !c.idle(t.Context()) {
		t.Fatal("not idle")
	}
	if left := c.finish(t.Context()); left != 0 {
		t.Errorf("%d left", left)
	}
	if len(rec.convs) != 2 || rec.convs[0].PDF != "a.msg.pdf" || rec.convs[0].Attachments != 2 ||
		rec.convs[1].Source != "b.eml" || rec.convs[1].PDF != "" || !strings.HasPrefix(rec.convs[1].Error, "not a") {
		t.Errorf("recorded %+v", rec.convs)
	}
	if changed != 2 || fallback.n != 1 {
		t.Errorf("changed %d times, %d prints", changed, fallback.n)
	}
	cells := convertedCells(rec.convs, []string{"a.msg", "q.pdf", "b.eml"})
	if len(cells) != 2 || cells[0] != "a.msg.pdf" || !strings.HasPrefix(cells[1], "b.eml: not converted: not a") {
		t.Errorf("CONVERTED %q", cells)
	}
}

// An interrupted run abandons the conversions still queued and says how
// many are left.
func TestConverterAbandonsOnInterrupt(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.msg", "b.msg"} {
		os.WriteFile(filepath.Join(dir, n), mailtest.MSG(mailtest.Sample(n)), 0o644)
	}
	p := &fakePrinter{block: make(chan struct{})}
	rec := &recorded{}
	c := newConverter(discardLog(), p, nil, rec.record, func() {})
	c.add("4500000001", dir, []string{"a.msg"})
	c.add("4500000002", dir, []string{"b.msg"})
	// The first is printing when the interrupt comes; the second is still queued.
	testkit.WaitFor(t, "the first conversion to start printing", 10*time.Second, func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.n == 1
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan int, 1)
	go func() { done <- c.finish(ctx) }()
	select {
	case left := <-done:
		if left != 1 || len(rec.convs) != 0 {
			t.Errorf("left %d, recorded %+v", left, rec.convs)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("finish did not return")
	}
}
