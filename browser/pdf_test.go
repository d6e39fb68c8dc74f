package browser

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"coupatui/internal/testkit"
)

// onePixelPNG is a valid 1×1 PNG.
const onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

// PrintPDF prints a document with a data: image, runs none of its scripts,
// lets none of its remote references reach the network, and leaves no tab
// open behind it.
func TestPrintPDFIsolated(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("x"))
	}))
	defer srv.Close()
	b := shared.Get(t)
	before := pageTargets(t, testCtx(t, 5*time.Second), b)

	html := `<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="` + srv.URL + `/style.css">
<meta http-equiv="refresh" content="0;url=` + srv.URL + `/away">
</head><body><h1>Invoice approved — Größe</h1>
<p id="p">Body text stays.</p>
<img src="data:image/png;base64,` + onePixelPNG + `" width="20" height="20">
<img src="` + srv.URL + `/tracker.png">
<iframe src="` + srv.URL + `/frame"></iframe>
<script>document.getElementById("p").textContent = "SCRIPT RAN"; fetch("` + srv.URL + `/js");</script>
<div style="background:url(` + srv.URL + `/bg.png)">styled</div>
</body></html>`
	pdf, err := b.PrintPDF(testCtx(t, 30*time.Second), html, PDFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 20)])
	}
	path := filepath.Join(t.TempDir(), "out.pdf")
	os.WriteFile(path, pdf, 0o600)
	text := testkit.PDFText(t, path)
	for _, want := range []string{"Invoice approved — Größe", "Body text stays.", "styled"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q: %q", want, text)
		}
	}
	// The data: image, and the browser's broken-image icon for the blocked one.
	if images := testkit.PDFImages(t, path); !slices.Contains(images, "1x1") {
		t.Errorf("images in the PDF %v, want the 1x1 data: one among them", images)
	}
	if strings.Contains(text, "SCRIPT RAN") {
		t.Error("the document's script ran")
	}
	time.Sleep(200 * time.Millisecond) // a refresh or a late request would come now
	if n := hits.Load(); n != 0 {
		t.Errorf("the document reached the network %d times", n)
	}
	if after := pageTargets(t, testCtx(t, 5*time.Second), b); after != before {
		t.Errorf("tabs: %d before, %d after", before, after)
	}
}
