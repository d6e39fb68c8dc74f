package coupa_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/vocab"
)

func TestProcessEveryShape(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 7, POs: []sim.PO{{
		ID: "4500000001", Supplier: "Böhm & Söhne GmbH", SupplierMarkup: sim.SupplierClassName, Want: vocab.Completed,
		Attachments: []sim.Attachment{
			att("Quote 2024-118.pdf", 48<<10, sim.ShapeAttachmentLink),
			att("Signed contract.pdf", 20<<10, sim.ShapeDownloadLink),
			att("Invoice.pdf", 30<<10, sim.ShapeDownloadAttr),
			att("Delivery note.pdf", 22<<10, sim.ShapeTitled),
			att("Specs rev B.docx", 40<<10, sim.ShapeButton),
			att("Approval email.eml", 12<<10, sim.ShapeScriptRedirect),
		}}}})
	s := newSite(t, srv)
	var phases []string
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res := s.Process(ctx, shared, coupa.Job{PO: "4500000001"}, func(p coupa.Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	})
	if res.Status != vocab.Completed || res.Err != nil {
		t.Fatalf("result %v", res)
	}
	if res.Supplier != "Böhm & Söhne GmbH" || res.Found != 6 || res.Downloaded != 6 {
		t.Errorf("result %+v", res)
	}
	wantFiles := []string{"Quote 2024-118.pdf", "Signed contract.pdf", "Invoice.pdf", "Delivery note.pdf", "Specs rev B.docx", "Approval email.eml"}
	if !slices.Equal(res.Files, wantFiles) {
		t.Errorf("files %q, want %q", res.Files, wantFiles)
	}
	if want := filepath.Join(s.Root, "Böhm & Söhne GmbH", "PO4500000001_COMPLETED"); res.Folder != want {
		t.Errorf("folder %q, want %q", res.Folder, want)
	}
	if res.URL != srv.URL()+"/order_headers/4500000001" || res.Finished.IsZero() {
		t.Errorf("URL %q, finished %v", res.URL, res.Finished)
	}
	if !slices.Equal(phases, []string{"opening", "listing", "downloading"}) {
		t.Errorf("progress phases %q", phases)
	}
	assertFiles(t, srv, res)
	assertContained(t, s.Root)
	st := srv.Stats()
	if st.Assets != 0 {
		t.Errorf("%d heavy assets were fetched with blocking on", st.Assets)
	}
	if len(st.ConcurrentPOViolations) != 0 {
		t.Errorf("the server saw two clients on one PO: %v", st.ConcurrentPOViolations)
	}
}

func TestProcessNoAttachmentsIsDecidedQuickly(t *testing.T) {
	shared := sharedBrowser.Get(t)
	srv := sim.Start(t, sim.Options{Seed: 1, POs: []sim.PO{
		{ID: "4500000010", Supplier: "Umbrella", Want: vocab.NoAttachments},
		{ID: "4500000011", LongPoll: true, Want: vocab.NoAttachments},
		{ID: "4500000012", InsertDelay: 800 * time.Millisecond, Want: vocab.NoAttachments},
		{ID: "4500000013", InsertDelay: 900 * time.Millisecond, LongPoll: true, Want: vocab.Completed,
			Attachments: []sim.Attachment{att("late.pdf", 5000, sim.ShapeDownloadAttr)}},
	}})
	s := newSite(t, srv) // MarkerTimeout 15 s
	var logs testkit.Buffer
	s.Logger = logs.Logger()
	for _, po := range srv.Catalogue() {
		start := time.Now()
		res := process(t, s, shared, po.ID)
		took := time.Since(start)
		if res.Status != po.Want {
			t.Errorf("PO %s: %v, want %s", po.ID, res, po.Want)
		}
		// Well below MarkerTimeout: the page's own marker (or the list's
		// text) decided it, not the bound.
		if took > 5*time.Second {
			t.Errorf("PO %s took %v to decide (MarkerTimeout 15 s)", po.ID, took)
		}
		t.Logf("PO %s: %s in %v", po.ID, res.Status, took)
		if res.Status == vocab.NoAttachments && res.Folder != "" {
			t.Errorf("PO %s: a folder %q for a PO with nothing to fetch", po.ID, res.Folder)
		}
		assertFiles(t, srv, res)
		// The in-page wait, measured by the page's own clock from the
		// moment the document was loaded to the decision: the list's
		// insertion delay plus well under a second.
		waited := waitedMS(t, logs.String(), po.ID)
		limit := s.MarkerTimeout.Milliseconds() / 3
		if waited > limit {
			t.Errorf("PO %s: decided %d ms after the page was ready (insert delay %v), want < %d ms", po.ID, waited, po.InsertDelay, limit)
		}
		t.Logf("PO %s: decided %d ms after the page was ready", po.ID, waited)
	}
	assertContained(t, s.Root)
}

// waitedMS reads how long the analyser waited in the page for PO po, from
// the Site's debug log.
func waitedMS(t *testing.T, logs, po string) int64 {
	t.Helper()
	m := regexp.MustCompile(`po=` + po + ` .*waited_ms=(\d+)`).FindStringSubmatch(logs)
	if m == nil {
		t.Fatalf("no waited_ms logged for PO %s", po)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

func TestProcessNotFound(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	// Every text once; markups cycle so that the 200 pages (decided by
	// their text alone) cover all three.
	var pos []sim.PO
	for i, text := range sim.ErrorTexts {
		status := []int{200, 404}[i%2]
		pos = append(pos, sim.PO{ID: fmt.Sprint(4500000101 + i), NotFound: status, ErrorText: text, ErrorMarkup: i % 3, Want: vocab.NotFound})
	}
	srv := sim.Start(t, sim.Options{Seed: 2, POs: pos})
	s := newSite(t, srv)
	for _, po := range pos {
		res := process(t, s, shared, po.ID)
		if res.Status != vocab.NotFound || res.Retryable || res.Folder != "" {
			t.Errorf("PO %s (HTTP %d, %q, markup %d): %v folder %q", po.ID, po.NotFound, po.ErrorText, po.ErrorMarkup, res, res.Folder)
		}
	}
	// A PO the server does not know at all.
	if res := process(t, s, shared, "4599999999"); res.Status != vocab.NotFound {
		t.Errorf("unknown PO: %v", res)
	}
	if entries, _ := os.ReadDir(s.Root); len(entries) != 0 {
		t.Errorf("not-found POs left folders: %v", entries)
	}
}

func TestProcessPRFallback(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 3,
		POs: []sim.PO{
			{ID: "4500000201", Supplier: "Stark", Requisition: "2100001", Want: vocab.Completed,
				Attachments: []sim.Attachment{att("Price list.xlsx", 9000, sim.ShapeAttachmentLink)}},
			{ID: "4500000202", Supplier: "Wayne", Requisition: "2100006", Want: vocab.Completed},
			{ID: "4500000203", Supplier: "Cyberdyne", Requisition: "2100003", Want: vocab.PRNotAccessible,
				Attachments: []sim.Attachment{att("Rate card.xlsx", 7000, sim.ShapeDownloadLink)}},
			{ID: "4500000204", Supplier: "Tyrell", Requisition: "2100004", Want: vocab.PRNotAccessible},
			{ID: "4500000205", Supplier: "Soylent", Requisition: "2100005", Want: vocab.Completed,
				Attachments: []sim.Attachment{att("Catering order.pdf", 4000, sim.ShapeAttachmentLink)}},
		},
		Requisitions: []sim.Requisition{
			{ID: "2100001", Attachments: []sim.Attachment{att("Supplier quote.pdf", 6000, sim.ShapeAttachmentLink),
				att("Budget approval.pdf", 5000, sim.ShapeDownloadLink), att("Price list.xlsx", 9000, sim.ShapeDownloadAttr)}},
			{ID: "2100003", Denied: true, Attachments: []sim.Attachment{att("Confidential.pdf", 2000, sim.ShapeAttachmentLink)}},
			{ID: "2100004", Denied: true},
			{ID: "2100005", Attachments: []sim.Attachment{att("Not needed.pdf", 1000, sim.ShapeAttachmentLink)}},
			{ID: "2100006", Attachments: []sim.Attachment{att("Vendor proposal.pdf", 4100, sim.ShapeButton),
				att("Manager approval.pdf", 1500, sim.ShapeScriptRedirect), att("Quote comparison.pdf", 2400, sim.ShapeTitled)}},
		}})
	s := newSite(t, srv)
	for _, po := range srv.Catalogue() {
		res := process(t, s, shared, po.ID)
		if res.Status != po.Want {
			t.Errorf("PO %s: %v, want %s", po.ID, res, po.Want)
			continue
		}
		assertFiles(t, srv, res)
		switch po.ID {
		case "4500000201":
			// The requisition's "Price list.xlsx" (same name and size, other
			// bytes) must neither overwrite nor be mistaken for the PO's.
			want := []string{"Price list.xlsx", "Supplier quote.pdf", "Budget approval.pdf", "Price list (2).xlsx"}
			if res.Found != 4 || !slices.Equal(res.Files, want) {
				t.Errorf("PR fallback files %q (found %d)", res.Files, res.Found)
			}
		case "4500000203":
			// The PO's own file is kept, the refusal is reported.
			if !slices.Equal(res.Files, []string{"Rate card.xlsx"}) || res.Err == nil ||
				!strings.HasSuffix(res.Folder, "PO4500000203_PR_NOT_ACCESSIBLE") {
				t.Errorf("refused requisition: files %q err %v folder %q", res.Files, res.Err, res.Folder)
			}
		case "4500000204":
			if res.Folder != "" {
				t.Errorf("folder %q for a PO that wrote nothing", res.Folder)
			}
		}
	}
	if n := srv.Stats().Requisitions["2100005"]; n != 0 {
		t.Errorf("the requisition of a PO with a PDF was opened %d times", n)
	}
	assertContained(t, s.Root)

	// Without the fallback the requisition is never opened.
	s.PRFallback = false
	before := srv.Stats().Requisitions["2100001"]
	if res := process(t, s, shared, "4500000201"); res.Status != vocab.Completed || res.Found != 1 {
		t.Errorf("without fallback: %v", res)
	}
	if srv.Stats().Requisitions["2100001"] != before {
		t.Error("requisition opened with PRFallback off")
	}
}

func TestProcessTransientFaults(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 4, POs: []sim.PO{
		{ID: "4500000301", FirstTry5xx: true, Want: vocab.Completed,
			Attachments: []sim.Attachment{att("Subscription order.pdf", 28<<10, sim.ShapeDownloadLink)}},
		{ID: "4500000302", Want: vocab.Completed, Attachments: []sim.Attachment{
			{Name: "cut.pdf", Size: 400 << 10, Shape: sim.ShapeAttachmentLink, CutOnce: true},
			{Name: "503.pdf", Size: 60 << 10, Shape: sim.ShapeDownloadAttr, Fail5xxOnce: true},
			{Name: "slow.pdf", Size: 300 << 10, Shape: sim.ShapeDownloadLink, Slow: true},
			{Name: "Contrato de serviço.pdf", Size: 150 << 10, Shape: sim.ShapeButton, RFC5987: true, CutOnce: true},
			{Name: "both.pdf", Size: 20 << 10, Shape: sim.ShapeScriptRedirect, Fail5xxOnce: true, CutOnce: true},
		}},
	}})
	s := newSite(t, srv)
	// The 503 says Retry-After: 1: the page is loaded again after it, in
	// the same attempt.
	if first := process(t, s, shared, "4500000301"); first.Status != vocab.Completed {
		t.Errorf("a 503 page with Retry-After: %v", first)
	} else {
		assertFiles(t, srv, first)
	}
	res := process(t, s, shared, "4500000302")
	if res.Status != vocab.Completed {
		t.Fatalf("faulty downloads: %v", res)
	}
	assertFiles(t, srv, res)
	if !slices.Contains(res.Files, "Contrato de serviço.pdf") {
		t.Errorf("files %q", res.Files)
	}
	assertContained(t, s.Root)
}

func TestProcessHostileNames(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	long := strings.Repeat("Very long scanned purchase agreement name ", 8)[:296] + ".pdf"
	srv := sim.Start(t, sim.Options{Seed: 5, POs: []sim.PO{{ID: "4500000401", Supplier: "../../Evil Corp", Want: vocab.Completed,
		Attachments: []sim.Attachment{
			att("../../etc/passwd", 3000, sim.ShapeAttachmentLink),
			att(`..\..\win.ini`, 2000, sim.ShapeDownloadLink),
			att("CON.txt", 1000, sim.ShapeDownloadAttr),
			att("a/b/c.pdf", 9000, sim.ShapeAttachmentLink),
			att("report\x07\x1b[31m red\tcopy.pdf", 7000, sim.ShapeDownloadLink),
			att(long, 11000, sim.ShapeTitled),
			att(".", 1000, sim.ShapeAttachmentLink),
			att("..", 1000, sim.ShapeDownloadLink),
			att("invoice.pdf", 2100, sim.ShapeAttachmentLink),
			att("invoice.pdf", 3400, sim.ShapeDownloadLink),
			{Name: "invoice.pdf", Size: 1400, Shape: sim.ShapeScriptRedirect, NoFilename: true},
			{Name: "Orçamento nº 5 – final.pdf", Size: 4400, Shape: sim.ShapeAttachmentLink, RFC5987: true},
			{Name: "見積書.pdf", Size: 1600, Shape: sim.ShapeButton, RFC5987: true},
		}}}})
	s := newSite(t, srv)
	res := process(t, s, shared, "4500000401")
	if res.Status != vocab.Completed {
		t.Fatalf("%v", res)
	}
	assertFiles(t, srv, res)
	assertContained(t, s.Root)
	if want := filepath.Join(s.Root, "Evil Corp", "PO4500000401_COMPLETED"); res.Folder != want {
		t.Errorf("folder %q, want %q", res.Folder, want)
	}
	for _, want := range []string{"etc_passwd", "win.ini", "_CON.txt", "a_b_c.pdf", "report[31m red copy.pdf",
		"invoice.pdf", "invoice (2).pdf", "Orçamento nº 5 – final.pdf", "見積書.pdf"} {
		if !slices.Contains(res.Files, want) {
			t.Errorf("no file %q in %q", want, res.Files)
		}
	}
	for _, name := range res.Files {
		if coupa.SanitizeFileName(name) != name {
			t.Errorf("file name %q is not sanitised", name)
		}
	}
}

func TestProcessHungPageTimesOutAndTheBrowserGoesOn(t *testing.T) {
	shared := sharedBrowser.Get(t)
	srv := sim.Start(t, sim.Options{Seed: 6, POs: []sim.PO{
		{ID: "4500000501", Hang: true, Want: vocab.Timeout, Attachments: []sim.Attachment{att("x.pdf", 100, sim.ShapeAttachmentLink)}},
		{ID: "4500000502", Want: vocab.Completed, Attachments: []sim.Attachment{att("after.pdf", 5000, sim.ShapeButton)}},
	}})
	s := newSite(t, srv)
	s.PageTimeout, s.MarkerTimeout = 5*time.Second, 3*time.Second
	start := time.Now()
	res := process(t, s, shared, "4500000501")
	if res.Status != vocab.Timeout || !res.Retryable || errors.Is(res.Err, coupa.ErrBrowserUnhealthy) {
		t.Fatalf("hung page: %v retryable=%v", res, res.Retryable)
	}
	t.Logf("hung page decided in %v: %v", time.Since(start), res.Err)
	if err := shared.Ping(context.Background()); err != nil {
		t.Fatalf("browser after the hung page: %v", err)
	}
	next := process(t, s, shared, "4500000502")
	if next.Status != vocab.Completed {
		t.Fatalf("the next PO on the same browser: %v", next)
	}
	assertFiles(t, srv, next)
}

func TestProcessCancelledAndDeadline(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 8, POs: []sim.PO{
		{ID: "4500000601", Want: vocab.Completed, Attachments: []sim.Attachment{{Name: "big.pdf", Size: 2 << 20, Shape: sim.ShapeDownloadLink, Slow: true}}},
	}})
	s := newSite(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := s.Process(ctx, shared, coupa.Job{PO: "4500000601"}, nil); res.Status != vocab.Cancelled {
		t.Errorf("cancelled before start: %v", res)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	res := s.Process(ctx, shared, coupa.Job{PO: "4500000601"}, nil)
	if res.Status != vocab.Timeout || !res.Retryable {
		t.Errorf("deadline during a slow download: %v", res)
	}
	assertContained(t, s.Root)
	// The partial never appears under its final name.
	if res.Folder != "" {
		if _, err := os.Stat(filepath.Join(res.Folder, "big.pdf")); err == nil {
			t.Error("a cut-short file under its final name")
		}
	}
}

func TestProcessRetryReusesTheFolder(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 9, POs: []sim.PO{{ID: "4500000701", Supplier: "Slow Co", Want: vocab.Completed,
		Attachments: []sim.Attachment{att("small.pdf", 3000, sim.ShapeAttachmentLink),
			{Name: "big.pdf", Size: 1 << 20, Shape: sim.ShapeDownloadLink, Slow: true}}}}})
	s := newSite(t, srv)
	s.DownloadsPerPO = 1 // small.pdf completes before big.pdf starts
	// The operator cancels the first run once small.pdf is on disk.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := s.Process(ctx, shared, coupa.Job{PO: "4500000701"}, func(p coupa.Progress) {
		if p.File == "small.pdf" {
			cancel()
		}
	})
	if first.Status != vocab.Cancelled || first.Downloaded != 1 || !strings.HasSuffix(first.Folder, "PO4500000701_CANCELLED") {
		t.Fatalf("first run: %v folder %q", first, first.Folder)
	}
	small := filepath.Join(first.Folder, "small.pdf")
	info, err := os.Stat(small)
	if err != nil {
		t.Fatal(err)
	}
	os.Chtimes(small, time.Time{}, info.ModTime().Add(-time.Hour))
	before, _ := os.Stat(small)

	second := process(t, s, shared, "4500000701")
	if second.Status != vocab.Completed {
		t.Fatalf("second run: %v", second)
	}
	assertFiles(t, srv, second)
	assertContained(t, s.Root)
	after, err := os.Stat(filepath.Join(second.Folder, "small.pdf"))
	if err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("small.pdf was downloaded again (mtime %v → %v, %v)", before.ModTime(), after.ModTime(), err)
	}
	if _, err := os.Stat(first.Folder); !os.IsNotExist(err) {
		t.Errorf("the CANCELLED folder still exists: %v", err)
	}
	if !slices.Equal(second.Files, []string{"small.pdf", "big.pdf"}) {
		t.Errorf("files %q", second.Files)
	}
}

func TestLayouts(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 10, POs: []sim.PO{
		{ID: "4500000801", Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{att("a.pdf", 100, sim.ShapeAttachmentLink)}},
		{ID: "4500000802", Want: vocab.Completed, Attachments: []sim.Attachment{att("b.pdf", 100, sim.ShapeAttachmentLink)}},
	}})
	s := newSite(t, srv)
	ctx := context.Background()
	res := s.Process(ctx, shared, coupa.Job{PO: "4500000801", Hierarchy: []string{"Region ../North", "..", "CON"}}, nil)
	if want := filepath.Join(s.Root, "Region_North", "_", "_CON", "PO4500000801_COMPLETED"); res.Folder != want {
		t.Errorf("hierarchy folder %q, want %q", res.Folder, want)
	}
	if res := process(t, s, shared, "4500000802"); res.Folder != filepath.Join(s.Root, "_unknown_supplier", "PO4500000802_COMPLETED") {
		t.Errorf("no supplier: folder %q", res.Folder)
	}
	s.Layout = vocab.LayoutFlat
	s.Root = t.TempDir()
	if res := process(t, s, shared, "4500000801"); res.Folder != filepath.Join(s.Root, "PO4500000801_COMPLETED") {
		t.Errorf("flat: folder %q", res.Folder)
	}
	// A second run merges into the existing final folder.
	if res := process(t, s, shared, "4500000801"); res.Status != vocab.Completed || res.Folder != filepath.Join(s.Root, "PO4500000801_COMPLETED") {
		t.Errorf("second flat run: %v in %q", res, res.Folder)
	}
	assertContained(t, s.Root)
}

func TestPOURL(t *testing.T) {
	s := &coupa.Site{BaseURL: "https://acme.coupahost.com/"}
	if got := s.POURL("4500001234"); got != "https://acme.coupahost.com/order_headers/4500001234" {
		t.Errorf("POURL = %q", got)
	}
}

func TestProcessDownloadTimeoutBoundsOneFile(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 5, POs: []sim.PO{{ID: "4500000701", Want: vocab.Completed, Attachments: []sim.Attachment{
		att("quick.pdf", 10<<10, sim.ShapeAttachmentLink),
		{Name: "slow.pdf", Size: 2 << 20, Shape: sim.ShapeDownloadLink, Slow: true}, // ~8 s at 256 KB/s
	}}}})
	s := newSite(t, srv)
	s.DownloadTimeout = time.Second
	res := process(t, s, shared, "4500000701") // a 60 s bound: the slow file alone would fit
	if res.Status != vocab.Partial || !res.Retryable || res.Downloaded != 1 {
		t.Fatalf("a file slower than download_timeout: %v (retryable %v)", res, res.Retryable)
	}
	if !slices.Equal(res.Files, []string{"quick.pdf"}) {
		t.Errorf("files on disk %q, want only the complete one", res.Files)
	}
	assertContained(t, s.Root)
}

// While a slow file downloads, progress shows it in flight with its bytes
// and total; once complete it leaves the list, with the time it took; the
// result says how long the page took.
func TestProcessReportsFilesInFlight(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	const size = 320 << 10 // a little over a second at the simulator's slow pace
	slow := att("Site survey.pdf", size, sim.ShapeDownloadLink)
	slow.Slow = true
	srv := sim.Start(t, sim.Options{Seed: 3, POs: []sim.PO{{
		ID: "4500000901", Supplier: "ACME", Want: vocab.Completed,
		Attachments: []sim.Attachment{slow, att("Quote.pdf", 8<<10, sim.ShapeAttachmentLink)}}}})
	s := newSite(t, srv)
	var reports []coupa.Progress
	res := s.Process(testContext(t), shared, coupa.Job{PO: "4500000901"}, func(p coupa.Progress) {
		reports = append(reports, p)
	})
	if res.Status != vocab.Completed {
		t.Fatalf("result %v", res)
	}
	if res.PageTime <= 0 || res.PageTime > 30*time.Second {
		t.Errorf("page time %s", res.PageTime)
	}
	var partial, savedSlow bool
	for _, p := range reports {
		for _, f := range p.InFlight {
			if f.Name == "Site survey.pdf" && f.Total == size && f.Done > 0 && f.Done < size {
				partial = true
			}
			if f.Done > f.Total && f.Total > 0 {
				t.Fatalf("more done than total: %+v", f)
			}
		}
		if p.Saved != nil && p.Saved.Name == "Site survey.pdf" {
			savedSlow = true
			if p.Took < 500*time.Millisecond {
				t.Errorf("the slow file took %s", p.Took)
			}
			for _, f := range p.InFlight {
				if f.Name == "Site survey.pdf" {
					t.Errorf("still in flight once saved: %+v", p.InFlight)
				}
			}
		}
	}
	if !partial || !savedSlow {
		t.Fatalf("no report of the slow file part way (%v) or saved (%v): %+v", partial, savedSlow, reports)
	}
	if last := reports[len(reports)-1]; len(last.InFlight) != 0 {
		t.Errorf("the last report still has files in flight: %+v", last.InFlight)
	}
}
