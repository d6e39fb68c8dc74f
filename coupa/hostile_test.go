package coupa_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"coupatui/browser"
	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/internal/diskfull"
	"coupatui/internal/panics"
	"coupatui/internal/testkit"
	"coupatui/vocab"
)

// A panic in a download goroutine (here in the progress callback, which
// the downloads call) fails the attempt, retryably, with the panic and
// its stack; the process lives, the files already complete stay, and the
// next attempt completes the PO.
func TestPanicInADownloadIsOneFailedAttempt(t *testing.T) {
	shared := sharedBrowser.Get(t)
	srv := sim.Start(t, sim.Options{Seed: 3, POs: []sim.PO{{ID: "4500000801", Supplier: "Acme", Want: vocab.Completed,
		Attachments: []sim.Attachment{att("a.pdf", 20<<10, sim.ShapeAttachmentLink), att("b.pdf", 30<<10, sim.ShapeDownloadLink),
			att("c.docx", 25<<10, sim.ShapeButton)}}}})
	s := newSite(t, srv)
	s.DownloadsPerPO = 1
	panicked := false
	res := s.Process(testContext(t), shared, coupa.Job{PO: "4500000801"}, func(p coupa.Progress) {
		if p.Phase == "downloading" && p.Done == 2 && !panicked {
			panicked = true
			var files []string
			_ = files[p.Done] // index out of range, in a download goroutine
		}
	})
	pe := panics.Of(res.Err)
	if !panicked || res.Status != vocab.Failed || !res.Retryable || pe == nil {
		t.Fatalf("result %v (retryable %v): want a retryable FAILED carrying the panic", res, res.Retryable)
	}
	if !strings.Contains(string(pe.Stack), "TestPanicInADownloadIsOneFailedAttempt") {
		t.Errorf("the stack does not show where it panicked:\n%s", pe.Stack)
	}
	kept, _ := os.ReadDir(res.Folder)
	if len(kept) < 2 {
		t.Errorf("folder %s holds %d files after the panic, want the 2 complete ones kept", res.Folder, len(kept))
	}
	res = process(t, s, shared, "4500000801")
	if res.Status != vocab.Completed {
		t.Fatalf("the retry: %v", res)
	}
	assertFiles(t, srv, res)
}

// A file over MaxFileBytes is stopped (by its announced size, over HTTP
// and in the browser) and fails with an error naming it and the limit; the
// PO is PARTIAL, not retryable, and the file was not fetched again.
func TestFilesOverMaxFileBytesFailAndAreNotRetried(t *testing.T) {
	shared := sharedBrowser.Get(t)
	big := att("Site survey scan.pdf", 3<<20, sim.ShapeDownloadLink)
	big.ID = "big-http"
	bigClick := att("Drawings.zip", 3<<20, sim.ShapeButton)
	bigClick.ID = "big-click"
	srv := sim.Start(t, sim.Options{Seed: 4, POs: []sim.PO{{ID: "4500000802", Supplier: "Acme", Want: vocab.Partial,
		Attachments: []sim.Attachment{att("small.pdf", 20<<10, sim.ShapeAttachmentLink), big, bigClick}}}})
	s := newSite(t, srv)
	s.MaxFileBytes = 1 << 20
	res := process(t, s, shared, "4500000802")
	if res.Status != vocab.Partial || res.Retryable || res.Downloaded != 1 {
		t.Fatalf("result %v (retryable %v): want a PARTIAL that is not retried", res, res.Retryable)
	}
	msg := res.ErrorMessage()
	for _, want := range []string{"Site survey scan.pdf: ", "Drawings.zip", "3 MB announced, the limit is 1 MB", "max_file_mb"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	st := srv.Stats()
	if st.DownloadStarts["big-http"] != 1 || st.DownloadStarts["big-click"] != 1 {
		t.Errorf("download attempts %v: want one stopped attempt of each big file, no retry", st.DownloadStarts)
	}
	entries, _ := os.ReadDir(res.Folder)
	if len(entries) != 1 || entries[0].Name() != "small.pdf" {
		t.Errorf("folder holds %v, want small.pdf alone (no partial)", entries)
	}
}

// A full disk is no PO's outcome: the download it cut is removed as
// partial, the complete files stay in the PO's __WORK folder, the PO is
// PENDING with an error wrapping ENOSPC (which the pool holds on), and once
// space is freed the next attempt completes it with every file intact.
func TestFullDiskLeavesThePOPendingWithItsFiles(t *testing.T) {
	shared := sharedBrowser.Get(t)
	for _, tc := range []struct {
		name  string
		files []sim.Attachment
	}{
		{"over HTTP", []sim.Attachment{att("a.pdf", 200<<10, sim.ShapeAttachmentLink), att("b.pdf", 300<<10, sim.ShapeDownloadLink),
			att("c.pdf", 700<<10, sim.ShapeDownloadAttr), att("d.pdf", 100<<10, sim.ShapeTitled)}},
		{"in the browser", []sim.Attachment{att("a.pdf", 200<<10, sim.ShapeAttachmentLink), att("b.docx", 300<<10, sim.ShapeButton),
			att("c.docx", 700<<10, sim.ShapeButton), att("d.pdf", 100<<10, sim.ShapeTitled)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			disk := testkit.Tmpfs(t, 1<<20)
			srv := sim.Start(t, sim.Options{Seed: 5, POs: []sim.PO{{ID: "4500000803", Supplier: "Acme", Want: vocab.Completed, Attachments: tc.files}}})
			s := newSite(t, srv)
			s.Root = disk
			s.DownloadsPerPO = 1 // in page order: a and b fit, c does not
			res := process(t, s, shared, "4500000803")
			if res.Status != vocab.Pending || res.Retryable || !diskfull.Is(res.Err) {
				t.Fatalf("result %v: want PENDING with a disk-full error", res)
			}
			work := filepath.Join(disk, "Acme", "PO4500000803__WORK")
			if res.Folder != work || !strings.HasPrefix(diskfull.Where(res.Err), work) {
				t.Errorf("folder %q, disk full at %q: want the PO's work folder %q", res.Folder, diskfull.Where(res.Err), work)
			}
			if got := names(t, work); !slices.Equal(got, []string{"a.pdf", tc.files[1].Name}) {
				t.Errorf("work folder holds %q, want the two complete files and nothing partial", got)
			}
			testkit.ResizeTmpfs(t, disk, 8<<20) // the operator frees space
			res = process(t, s, shared, "4500000803")
			if res.Status != vocab.Completed {
				t.Fatalf("after freeing space: %v", res)
			}
			assertFiles(t, srv, res)
			assertContained(t, disk)
		})
	}
}

// names lists a folder's entries, hidden ones included.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

var _ = browser.ErrTooLarge
var _ = time.Second
var _ = context.Background
