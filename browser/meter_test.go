package browser

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// slowFile answers body in three parts, a little apart, as a slow server
// does; html makes it a page that sends the browser to the file instead.
func slowFile(body []byte, name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		rc := http.NewResponseController(w)
		third := len(body) / 3
		for i, part := range [][]byte{body[:third], body[third : 2*third], body[2*third:]} {
			if i > 0 {
				time.Sleep(400 * time.Millisecond)
			}
			w.Write(part)
			rc.Flush()
		}
	}
}

// A file's bytes are reported as they arrive, with its total, and its
// result says how long it took; the browser's own downloads report too.
func TestDownloadReportsBytesInFlight(t *testing.T) {
	srv := newFileServer(t)
	body := content(21, 300_000)
	srv.handle("/files/slow", slowFile(body, "slow.pdf"))
	srv.handle("/files/viabrowser", slowFile(body, "browser.pdf"))
	srv.add("/open/viabrowser", &testFile{html: true, body: []byte(`<html><body><script>location.replace("/files/viabrowser")</script></body></html>`)})
	tab := newTab(t)
	var mu sync.Mutex
	var reports []FileBytes
	opts := fastOpts(t.TempDir(), srv.URL)
	opts.Bytes = func(b FileBytes) {
		mu.Lock()
		reports = append(reports, b)
		mu.Unlock()
	}
	links := []Link{{URL: srv.URL + "/files/slow"}, {URL: srv.URL + "/open/viabrowser"}}
	results, err := tab.Download(testCtx(t, 60*time.Second), links, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r.Err != nil || r.Took < 800*time.Millisecond {
			t.Fatalf("result %d: %+v (took %s)", i, r, r.Took)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	var http, browser []FileBytes
	for _, b := range reports {
		if b.Index == 0 {
			http = append(http, b)
		} else {
			browser = append(browser, b)
		}
	}
	total := int64(len(body))
	if len(http) < 2 || http[0] != (FileBytes{Index: 0, Name: "slow.pdf", Done: 0, Total: total}) {
		t.Fatalf("HTTP reports: %+v", http)
	}
	partial := false
	for i, b := range http {
		if b.Total != total || b.Done > total || i > 0 && b.Done < http[i-1].Done {
			t.Fatalf("HTTP report %d: %+v", i, b)
		}
		partial = partial || b.Done > 0 && b.Done < total
	}
	if !partial {
		t.Errorf("no report of a part of the file: %+v", http)
	}
	if len(browser) == 0 {
		t.Fatal("the browser's download reported nothing")
	}
	for _, b := range browser {
		if b.Name != "browser.pdf" || b.Done > total {
			t.Fatalf("browser report: %+v", b)
		}
	}
	// A second run keeps the HTTP file (complete, same length): nothing
	// in flight, no time taken.
	reports = nil
	mu.Unlock()
	results, err = tab.Download(testCtx(t, 30*time.Second), links[:1], opts)
	mu.Lock()
	if err != nil {
		t.Fatal(err)
	}
	if r := results[0]; r.Via != "existing" || r.Took != 0 {
		t.Errorf("rerun: %+v", r)
	}
	for _, b := range reports {
		if b.Done > 0 {
			t.Errorf("a kept file reported bytes: %v", fmt.Sprint(reports))
		}
	}
}
