package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	cdpio "github.com/chromedp/cdproto/io"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// MaxPDFBytes caps a PDF read back from the browser: far above any e-mail,
// it stops a runaway document from filling memory.
const MaxPDFBytes = 256 << 20

// PDFOptions lays out the page PrintPDF prints on.
type PDFOptions struct {
	PaperWidth, PaperHeight float64 // inches; 0 = A4 (8.27 × 11.69)
	Margin                  float64 // inches on every side; 0 = 0.5
}

// PrintPDF renders a self-contained HTML document as a PDF in a tab of its
// own, opened for this call and closed after it, so no task's tab is
// touched and the browser may be busy with a PO meanwhile. The tab runs no
// script and fetches nothing: every request the document would make (an
// image, a style sheet, a frame, a navigation) is failed inside the
// browser, so the document must carry what it shows (data: URLs). ctx
// bounds the whole call. When the PDF was printed but the tab would not
// close, it returns the PDF and an error wrapping ErrUnhealthy: the PDF is
// good, the browser needs a restart.
func (b *Browser) PrintPDF(ctx context.Context, html string, opts PDFOptions) ([]byte, error) {
	t, err := b.openTab(ctx, (*Tab).isolate)
	if err != nil {
		return nil, fmt.Errorf("print PDF: %w", err)
	}
	pdf, err := t.printPDF(ctx, html, opts)
	if cerr := t.Close(); cerr != nil {
		if err == nil {
			return pdf, fmt.Errorf("print PDF: %w", cerr) // wraps ErrUnhealthy
		}
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return nil, fmt.Errorf("print PDF: %w", err)
	}
	return pdf, nil
}

// isolate is the set-up of a rendering tab: no script runs and no request
// leaves it.
func (t *Tab) isolate() error {
	if err := chromedp.Do(t.ctx); err != nil {
		return err
	}
	t.id = chromedp.FromContext(t.ctx).Target.TargetID
	if err := t.failRequests([]*fetch.RequestPattern{{URLPattern: "*"}}, true); err != nil {
		return fmt.Errorf("request blocking: %w", err)
	}
	if _, err := chromedp.Call(t.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		return fmt.Errorf("disable scripts: %w", err)
	}
	return nil
}

// imagesReady resolves once every image of the document has decoded or
// failed (data: images decode asynchronously), so the print shows them.
// DevTools' own evaluation and its promises run with the page's scripts
// disabled; event handlers do not, hence decode() rather than onload.
const imagesReady = `Promise.all(Array.from(document.images, img => img.decode().catch(() => null)))
	.then(() => document.fonts.ready).then(() => true)`

func (t *Tab) printPDF(ctx context.Context, html string, opts PDFOptions) ([]byte, error) {
	octx, cancel := t.op(ctx)
	defer cancel()
	if _, err := chromedp.Call(octx, page.SetDocumentContent, page.SetDocumentContentParams{
		FrameID: cdp.FrameID(t.id), HTML: html}); err != nil {
		return nil, opErr(ctx, "set document", err)
	}
	if _, err := chromedp.Run(octx, chromedp.Evaluate[bool](imagesReady, chromedp.EvalAwaitPromise)); err != nil {
		return nil, opErr(ctx, "wait for images", err)
	}
	w, h, m := opts.PaperWidth, opts.PaperHeight, opts.Margin
	if w <= 0 || h <= 0 {
		w, h = 8.27, 11.69
	}
	if m <= 0 {
		m = 0.5
	}
	yes := true
	res, err := chromedp.Call(octx, page.PrintToPDF, page.PrintToPDFParams{
		PrintBackground: &yes, PaperWidth: w, PaperHeight: h,
		MarginTop: &m, MarginBottom: &m, MarginLeft: &m, MarginRight: &m,
		TransferMode: page.PrintToPDFTransferModeReturnAsStream,
	})
	if err != nil {
		return nil, opErr(ctx, "print", err)
	}
	if res.Stream == "" {
		return res.Data, nil
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(octx), time.Second)
		defer cancel()
		chromedp.Call(cctx, cdpio.Close, cdpio.CloseParams{Handle: res.Stream})
	}()
	var buf bytes.Buffer
	for {
		chunk, err := chromedp.Call(octx, cdpio.Read, cdpio.ReadParams{Handle: res.Stream, Size: 1 << 20})
		if err != nil {
			return nil, opErr(ctx, "read PDF stream", err)
		}
		buf.Write(chunk.Data)
		if buf.Len() > MaxPDFBytes {
			return nil, fmt.Errorf("the PDF is larger than %d MB", MaxPDFBytes>>20)
		}
		if chunk.EOF {
			return buf.Bytes(), nil
		}
	}
}
