package pool_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// A print runs in an idle worker's browser while the other works on its
// PO, and takes neither off its queue.
func TestPrintPDFPrefersAnIdleBrowserAndTakesNoWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := pooltest.NewGate()
		e := pooltest.NewEngine(nil)
		e.On(po(1), pooltest.Attempt{Gate: gate, Result: coupa.Result{Status: vocab.Completed}})
		var mu sync.Mutex
		var on []int
		e.OnPrint(func(ctx context.Context, b *pooltest.Browser, html string) ([]byte, error) {
			mu.Lock()
			on = append(on, b.Worker())
			mu.Unlock()
			return pooltest.FakePDF(ctx, b, html)
		})
		p := startPool(t, fakeConfig(), e)
		h, _ := p.Submit(po(1), vocab.Normal, pool.Meta{})
		synctest.Wait()
		busy := h.Status().Worker
		pdf, err := p.PrintPDF(t.Context(), "<p>x</p>")
		if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Fatalf("print: %q, %v", pdf, err)
		}
		if len(on) != 1 || on[0] == busy {
			t.Errorf("printed on workers %v; worker %d was busy", on, busy)
		}
		if st := h.Status(); st.State != vocab.TaskRunning || st.Worker != busy {
			t.Errorf("the running PO: %+v", st)
		}
		gate.Open()
		if ti := wait(t, h); ti.Result.Status != vocab.Completed {
			t.Errorf("PO %s", ti.Result.Status)
		}
	})
}

// Without a live browser there is nothing to print with: one clear error.
func TestPrintPDFWithoutBrowser(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		p := startPool(t, fakeConfig(), e)
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := p.PrintPDF(t.Context(), "<p>x</p>"); !errors.Is(err, pool.ErrNoBrowser) {
			t.Errorf("err %v, want ErrNoBrowser", err)
		}
	})
}

// A browser that dies under a print is left for another.
func TestPrintPDFTriesAnotherBrowserWhenOneDies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := pooltest.NewEngine(nil)
		first := true
		var mu sync.Mutex
		e.OnPrint(func(ctx context.Context, b *pooltest.Browser, html string) ([]byte, error) {
			mu.Lock()
			die := first
			first = false
			mu.Unlock()
			if die {
				b.Kill()
				return nil, errors.New("browser gone")
			}
			return pooltest.FakePDF(ctx, b, html)
		})
		p := startPool(t, fakeConfig(), e)
		if _, err := p.PrintPDF(t.Context(), "<p>x</p>"); err != nil {
			t.Fatal(err)
		}
		if n := e.Prints(); n != 2 {
			t.Errorf("%d prints, want 2", n)
		}
	})
}

// Closing a browser (a recycle, the end of the run) waits for the print
// running in it.
func TestCloseWaitsForARunningPrint(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := oneWorker()
		gate := pooltest.NewGate()
		e := pooltest.NewEngine(nil)
		e.OnPrint(func(ctx context.Context, b *pooltest.Browser, html string) ([]byte, error) {
			select {
			case <-gate.C():
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return pooltest.FakePDF(ctx, b, html)
		})
		p := startPool(t, cfg, e)
		errc := make(chan error, 1)
		go func() {
			_, err := p.PrintPDF(context.Background(), "<p>x</p>")
			errc <- err
		}()
		synctest.Wait()
		shut := make(chan error, 1)
		go func() { shut <- p.Shutdown(context.Background()) }()
		synctest.Wait()
		if e.Alive() != 1 {
			t.Fatal("the browser closed under its print")
		}
		gate.Open()
		if err := <-errc; err != nil {
			t.Errorf("print: %v", err)
		}
		if err := <-shut; err != nil {
			t.Fatal(err)
		}
	})
}
