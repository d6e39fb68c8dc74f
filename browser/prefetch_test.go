package browser

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"
)

// Requests started early are taken by Download: each file is asked for
// once, lands under its name, and a file a 503 answered early is asked
// for again; Close ends what nobody took, and a known file is not asked for.
func TestPrefetchedRequestsAreTakenByDownload(t *testing.T) {
	srv := newFileServer(t)
	gate := make(chan struct{})
	links := []Link{
		{URL: srv.add("/f/1", &testFile{body: content(1, 50_000), disposition: `attachment; filename="one.pdf"`, gate: gate})},
		{URL: srv.add("/f/2", &testFile{body: content(2, 40_000), disposition: `attachment; filename="two.pdf"`, failTimes: 1})},
		{URL: srv.add("/f/3", &testFile{body: content(3, 30_000), disposition: `attachment; filename="three.pdf"`})},
		{URL: srv.add("/f/4", &testFile{body: content(4, 20_000), disposition: `attachment; filename="four.pdf"`})},
	}
	tab := newTab(t)
	dir := filepath.Join(t.TempDir(), "PO1__WORK")
	opts := fastOpts(dir, srv.URL)
	opts.Parallel = 3
	opts.Known = []Known{{Index: 2, URL: links[2].URL, Text: links[2].Text, Name: "three.pdf", Size: 1, SHA256: "x"}}
	ctx := testCtx(t, 30*time.Second)
	pf := tab.Prefetch(ctx, links, opts)
	defer pf.Close()
	// The first file's server is still thinking; the page "settles" meanwhile.
	time.Sleep(50 * time.Millisecond)
	if n := srv.count("/f/1"); n != 1 {
		t.Fatalf("/f/1 asked %d times before Download, want once (early)", n)
	}
	if n := srv.count("/f/3"); n != 0 {
		t.Errorf("a known file was asked for early (%d)", n)
	}
	close(gate)
	opts.Prefetched = pf
	results, err := tab.Download(ctx, links[:2], opts) // the page settled without /f/4... and kept /f/3 out of this call
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r.Err != nil {
			t.Fatalf("link %d: %v", i, r.Err)
		}
	}
	got := folderFiles(t, dir)
	if !bytes.Equal(got["one.pdf"], content(1, 50_000)) || !bytes.Equal(got["two.pdf"], content(2, 40_000)) || len(got) != 2 {
		t.Fatalf("folder holds %d entries: %v", len(got), keys(got))
	}
	if n := srv.count("/f/1"); n != 1 {
		t.Errorf("/f/1 asked %d times, want once: Download took the early request", n)
	}
	if n := srv.count("/f/2"); n != 2 {
		t.Errorf("/f/2 asked %d times, want twice (its early answer was a 503)", n)
	}
	pf.Close()
	if n := srv.count("/f/4"); n > 1 {
		t.Errorf("/f/4 asked %d times", n)
	}
}
