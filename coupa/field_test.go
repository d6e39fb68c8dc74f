package coupa_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/vocab"
)

// checkPOs processes every PO of srv once and checks each against what the
// simulator means: status, supplier, and the files on disk by SHA-256.
func checkPOs(t *testing.T, srv *sim.Server, s *coupa.Site) map[string]coupa.Result {
	t.Helper()
	shared := sharedBrowser.Get(t)
	out := map[string]coupa.Result{}
	for _, po := range srv.Catalogue() {
		res := process(t, s, shared, po.ID)
		out[po.ID] = res
		want, _ := srv.WantFor(po.ID)
		if res.Status != want {
			t.Errorf("PO %s: %v, want %s", po.ID, res, want)
			continue
		}
		if po.NotFound == 0 && res.Supplier != po.Supplier {
			t.Errorf("PO %s: supplier %q, want %q", po.ID, res.Supplier, po.Supplier)
		}
		assertFiles(t, srv, res)
	}
	assertContained(t, s.Root)
	return out
}

func withEvent(a sim.Attachment, event string) sim.Attachment { a.Event = event; return a }

// Item 2: attachments are what the section shows as files, whatever the
// tag and however the click is bound; a floating toolbar takes no click.
func TestFieldItemsThatOnlyNameAFile(t *testing.T) {
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 21, POs: []sim.PO{
		{ID: "4500002001", Supplier: "Titled Goods", Attachments: []sim.Attachment{
			withEvent(att("Signed quote.pdf", 21<<10, sim.ShapeTitleOnly), "click"),
			withEvent(att("Meeting notes.docx", 17<<10, sim.ShapeTextOnly), "mousedown"),
			withEvent(att("Delivery schedule.pdf", 19<<10, sim.ShapeAriaFile), "pointerdown")}},
		{ID: "4500002002", Supplier: "Floating Toolbar GmbH", FloatingBar: true, Attachments: []sim.Attachment{
			withEvent(att("Inspection report.pdf", 23<<10, sim.ShapeAriaButton), "pointerdown"),
			withEvent(att("Customer e-mail.msg", 15<<10, sim.ShapeAssociated), "mousedown"),
			att("Specs rev B.docx", 9<<10, sim.ShapeButton),
			att("Price sheet.xlsx", 8<<10, sim.ShapeRowButton)}},
		{ID: "4500002003", Supplier: "Legal Letters LLP", Attachments: []sim.Attachment{
			att("Access denied letter.pdf", 9<<10, sim.ShapeTitleOnly),
			att("You are not authorized - appeal.pdf", 8<<10, sim.ShapeTextOnly),
			att("Oops! We couldn't find what you wanted.eml", 7<<10, sim.ShapeAttachmentLink)}},
		{ID: "4500002004", Supplier: "Realtime Metrics", LongPoll: true, InsertDelay: 900 * time.Millisecond, Attachments: []sim.Attachment{
			withEvent(att("Live export.pdf", 20<<10, sim.ShapeAriaButton), "mousedown")}},
	}})
	res := checkPOs(t, srv, newSite(t, srv))
	if r := res["4500002002"]; r.Found != 4 || r.Downloaded != 4 {
		t.Errorf("floating toolbar page: %v", r)
	}
}

// Item 1: not-found pages in five languages (and one no client knows), at
// 200 and at 403, 404 and 410, in every error markup including
// [role=alert]; no folder is left.
func TestFieldNotFoundInEveryLanguage(t *testing.T) {
	t.Parallel()
	var pos []sim.PO
	for i, text := range sim.ErrorTexts {
		status := []int{200, 403, 404, 410}[i%4]
		pos = append(pos, sim.PO{ID: fmt.Sprint(4500002101 + i), NotFound: status, ErrorText: text, ErrorMarkup: i % 4})
		pos = append(pos, sim.PO{ID: fmt.Sprint(4500002201 + i), NotFound: 200, ErrorText: text, ErrorMarkup: (i + 1) % 4})
	}
	srv := sim.Start(t, sim.Options{Seed: 22, POs: pos})
	s := newSite(t, srv)
	for id, r := range checkPOs(t, srv, s) {
		if r.Retryable || r.Folder != "" || r.Err == nil {
			t.Errorf("PO %s: %v retryable=%v folder %q", id, r, r.Retryable, r.Folder)
		}
	}
	if entries, _ := os.ReadDir(s.Root); len(entries) != 0 {
		t.Errorf("not-found POs left folders: %v", entries)
	}
}

// Item 4: the supplier as the value next to its label, in every language.
func TestFieldSupplierFromItsLabel(t *testing.T) {
	t.Parallel()
	var pos []sim.PO
	for i, lang := range sim.Languages {
		pos = append(pos, sim.PO{ID: fmt.Sprint(4500002301 + i), Supplier: "Fornecedora " + lang + " Ação & Cia", SupplierMarkup: sim.SupplierLabel,
			Language: lang, Attachments: []sim.Attachment{att("quote-"+lang+".pdf", 3000, sim.ShapeTextOnly)}})
	}
	srv := sim.Start(t, sim.Options{Seed: 23, POs: pos})
	s := newSite(t, srv)
	for id, r := range checkPOs(t, srv, s) {
		po, _ := srv.PO(id)
		if want := filepath.Join(s.Root, coupa.SanitizeFileName(po.Supplier), "PO"+id+"_COMPLETED"); r.Folder != want {
			t.Errorf("PO %s: folder %q, want %q", id, r.Folder, want)
		}
	}
}

// Items 3 and 7: lists in a table, in a collapsed panel that must be
// opened, in a same-origin frame, attachments opened through a popup,
// and pages in other languages whose section only its heading names.
func TestFieldLayoutsFramesAndPopups(t *testing.T) {
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 24, POs: []sim.PO{
		{ID: "4500002401", Supplier: "Suministros Ñandú", Language: "es", Layout: sim.LayoutTable, Attachments: []sim.Attachment{
			att("Factura F-2025-77.pdf", 22<<10, sim.ShapeTitleOnly), att("Albarán.pdf", 12<<10, sim.ShapeDownloadLink),
			withEvent(att("Pedido firmado.pdf", 18<<10, sim.ShapeRowButton), "pointerdown")}},
		{ID: "4500002402", Supplier: "Fournitures Lefèvre", Language: "fr", Layout: sim.LayoutCollapsed, Attachments: []sim.Attachment{
			att("Bon de commande.pdf", 27<<10, sim.ShapeAssociated), att("Conditions générales.pdf", 33<<10, sim.ShapeTextOnly)}},
		{ID: "4500002403", Supplier: "Schäfer Maschinenbau", Language: "de", Layout: sim.LayoutFrame, Attachments: []sim.Attachment{
			att("Angebot 4471.pdf", 24<<10, sim.ShapeTextOnly), att("Lieferschein.pdf", 14<<10, sim.ShapeButton),
			att("Zeichnung.pdf", 11<<10, sim.ShapePopup)}},
		{ID: "4500002404", Supplier: "Popup Printing", Attachments: []sim.Attachment{
			att("Print proof.pdf", 29<<10, sim.ShapePopup), att("Artwork.zip", 64<<10, sim.ShapeAttachmentLink)}},
		{ID: "4500002405", Supplier: "Ribeiro & Filhos", Language: "pt", Attachments: []sim.Attachment{
			att("Nota fiscal 3391.pdf", 26<<10, sim.ShapeTextOnly), att("Especificação técnica.docx", 31<<10, sim.ShapeRowButton)}},
		{ID: "4500002406", Supplier: "Folded Panels", Layout: sim.LayoutCollapsed, InsertDelay: 700 * time.Millisecond, Attachments: []sim.Attachment{
			withEvent(att("Panel drawing.pdf", 25<<10, sim.ShapeTextOnly), "pointerdown")}},
	}})
	checkPOs(t, srv, newSite(t, srv))
}

// Item 1: NO_ATTACHMENTS only with evidence: the empty text (any
// language, in a list or a table) or a section that said it finished.
func TestFieldEmptyListsNeedEvidence(t *testing.T) {
	t.Parallel()
	srv := sim.Start(t, sim.Options{Seed: 25, POs: []sim.PO{
		{ID: "4500002501", Supplier: "Quiet Supplies", Layout: sim.LayoutBare},
		{ID: "4500002502", Supplier: "Vazio Comércio", Language: "pt"},
		{ID: "4500002503", Supplier: "Leere Lager", Language: "de", Layout: sim.LayoutTable},
		{ID: "4500002504", Supplier: "Sin Nada", Language: "es", Layout: sim.LayoutCollapsed},
		{ID: "4500002505", Supplier: "Rien SARL", Language: "fr", Layout: sim.LayoutFrame, LongPoll: true},
	}})
	for id, r := range checkPOs(t, srv, newSite(t, srv)) {
		if r.Status != vocab.NoAttachments || r.Folder != "" {
			t.Errorf("PO %s: %v in %q", id, r, r.Folder)
		}
	}
}

// Acceptance: a section of items that name no file is UNRECOGNISED, never
// NO_ATTACHMENTS; its page is saved (0600, CSRF meta tags removed, no
// query string left) and the message says where. A page with no section
// is UNRECOGNISED unless the operator says a missing section means none.
func TestFieldUnrecognisedPagesAreSaved(t *testing.T) {
	t.Parallel()
	shared := sharedBrowser.Get(t)
	srv := sim.Start(t, sim.Options{Seed: 26, POs: []sim.PO{
		{ID: "4500002601", Supplier: "Tile Gallery", Layout: sim.LayoutUnknown, Attachments: []sim.Attachment{
			att("Scan 1.pdf", 11<<10, sim.ShapeTextOnly), att("Scan 2.pdf", 12<<10, sim.ShapeTextOnly)}},
		{ID: "4500002602", Supplier: "Sectionless Services", Layout: sim.LayoutNone, LongPoll: true},
	}})
	s := newSite(t, srv)
	s.PagesDir = filepath.Join(t.TempDir(), "state", "pages", "pos")
	res := checkPOs(t, srv, s)
	for _, id := range []string{"4500002601", "4500002602"} {
		r := res[id]
		if r.Status != vocab.Unrecognised || !r.Retryable || r.Folder != "" || r.Downloaded != 0 {
			t.Errorf("PO %s: %v retryable=%v folder %q", id, r, r.Retryable, r.Folder)
		}
		path := filepath.Join(s.PagesDir, "PO"+id+".html")
		if !strings.Contains(r.ErrorMessage(), "page saved to "+path) {
			t.Errorf("PO %s: message %q does not say where the page is", id, r.ErrorMessage())
		}
		checkSavedPage(t, path)
	}
	if msg := res["4500002601"].ErrorMessage(); !strings.Contains(msg, "2 item(s) that name no file") {
		t.Errorf("message %q", msg)
	}
	if st := srv.Stats(); st.Downloads[srv.Catalogue()[0].Attachments[0].ID] != 0 {
		t.Errorf("an item that names no file was downloaded")
	}
	s.NoSectionMeansEmpty = true
	if r := process(t, s, shared, "4500002602"); r.Status != vocab.NoAttachments {
		t.Errorf("no section with no_section_means_empty: %v", r)
	}
	if r := process(t, s, shared, "4500002601"); r.Status != vocab.Unrecognised {
		t.Errorf("unknown items with no_section_means_empty: %v", r)
	}
}

// checkSavedPage checks a saved page holds the page after its scripts ran
// and nothing secret.
func checkSavedPage(t *testing.T, path string) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("saved page: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want 0600", path, info.Mode().Perm())
	}
	if dir, _ := os.Stat(filepath.Dir(path)); dir == nil || dir.Mode().Perm() != 0o700 {
		t.Errorf("pages folder is not private")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{"csrf-token", "csrf-param", "session_hint", "s3cr3t", "?po=", "filter=open"} {
		if strings.Contains(page, bad) {
			t.Errorf("%s holds %q", path, bad)
		}
	}
	if regexp.MustCompile(`(href|src)="[^"]*\?`).MatchString(page) {
		t.Errorf("%s keeps a query string in an attribute", path)
	}
	if !strings.Contains(page, `aria-busy="false"`) && !strings.Contains(page, "Purchase Order #") {
		t.Errorf("%s is not the page after its scripts ran", path)
	}
}

// Item 6: the operator's selectors reach what the built-in rules miss,
// and a bad one is refused with its key.
func TestFieldSelectors(t *testing.T) {
	t.Parallel()
	shared := sharedBrowser.Get(t)
	srv := sim.Start(t, sim.Options{Seed: 27, POs: []sim.PO{
		{ID: "4500002701", Supplier: "Tile Gallery", Layout: sim.LayoutUnknown, Attachments: []sim.Attachment{
			att("Scan 1.pdf", 11<<10, sim.ShapeTextOnly), att("Scan 2.pdf", 12<<10, sim.ShapeTextOnly)}},
	}})
	s := newSite(t, srv)
	if r := process(t, s, shared, "4500002701"); r.Status != vocab.Unrecognised {
		t.Fatalf("without selectors: %v", r)
	}
	s.Selectors.Attachments = []string{"li > span.tile"}
	ctx := testContext(t)
	if err := s.CheckSelectors(ctx, shared); err != nil {
		t.Fatalf("a good selector: %v", err)
	}
	r := process(t, s, shared, "4500002701")
	if r.Status != vocab.Completed || r.Downloaded != 2 {
		t.Fatalf("with attachments = [\"li > span.tile\"]: %v", r)
	}
	po, _ := srv.PO("4500002701")
	for _, a := range po.Attachments {
		b, err := os.ReadFile(filepath.Join(r.Folder, a.Name))
		sum, want := sha256.Sum256(b), sha256.Sum256(srv.Content(a.ID))
		if err != nil || hex.EncodeToString(sum[:]) != hex.EncodeToString(want[:]) {
			t.Errorf("%s: %v or wrong bytes", a.Name, err)
		}
	}

	for _, tc := range []struct {
		sel  coupa.Selectors
		want string
	}{
		{coupa.Selectors{Attachments: []string{"a.ok", "span[title="}}, `coupa.selectors.attachments: "span[title=" is not a valid CSS selector`},
		{coupa.Selectors{Supplier: []string{"::nope("}}, `coupa.selectors.supplier: "::nope(" is not a valid CSS selector`},
		{coupa.Selectors{Error: []string{"div..x"}}, `coupa.selectors.error: "div..x"`},
		{coupa.Selectors{Empty: []string{"p:has-text(None)"}}, `coupa.selectors.empty: "p:has-text(None)"`},
	} {
		bad := &coupa.Site{BaseURL: srv.URL(), Selectors: tc.sel}
		err := bad.CheckSelectors(ctx, shared)
		if !errors.Is(err, coupa.ErrBadSelector) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.sel, err, tc.want)
		}
	}
}

// Item 5: Inspect reports what the analyser saw, downloading nothing.
func TestInspect(t *testing.T) {
	t.Parallel()
	shared := sharedBrowser.Get(t)
	srv := sim.Start(t, sim.Options{Seed: 28,
		POs: []sim.PO{
			{ID: "4500002801", Supplier: "Ribeiro & Filhos", SupplierMarkup: sim.SupplierLabel, Language: "pt", Requisition: "2100801",
				Attachments: []sim.Attachment{att("Nota fiscal.xlsx", 2000, sim.ShapeTextOnly), att("Planilha.xlsx", 1000, sim.ShapeAttachmentLink)}},
			{ID: "4500002802", Layout: sim.LayoutNone},
			{ID: "4500002803", NotFound: 200, ErrorText: sim.TextSorryPT},
		},
		Requisitions: []sim.Requisition{{ID: "2100801"}}})
	s := newSite(t, srv)
	s.PagesDir = filepath.Join(t.TempDir(), "pages", "inspect")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rep, err := s.Inspect(ctx, shared, "4500002801")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != vocab.Completed || len(rep.Files) != 2 || rep.Supplier != "Ribeiro & Filhos" ||
		rep.SupplierFrom != `label "Fornecedor"` || !strings.HasSuffix(rep.Requisition, "/requisition_headers/2100801") ||
		!rep.FollowsRequisition || rep.Section != `heading "Anexos"` || rep.Saved == "" {
		t.Errorf("report %+v", rep)
	}
	if f := rep.Files[0]; f.Text != "Nota fiscal.xlsx" || !strings.HasPrefix(f.Fetch, "click in the page") {
		t.Errorf("file %+v", f)
	}
	if f := rep.Files[1]; !strings.HasPrefix(f.Fetch, "HTTP GET "+srv.URL()+"/order_headers/4500002801/attachments/") {
		t.Errorf("file %+v", f)
	}
	if st := srv.Stats(); len(st.Downloads) != 0 {
		t.Errorf("inspect downloaded %v", st.Downloads)
	}
	if rep, err := s.Inspect(ctx, shared, "4500002802"); err != nil || rep.Status != vocab.Unrecognised || !strings.Contains(rep.Why, "no attachments section") {
		t.Errorf("no section: %+v %v", rep, err)
	}
	if rep, err := s.Inspect(ctx, shared, "4500002803"); err != nil || rep.Status != vocab.NotFound || rep.ErrorText != sim.TextSorryPT {
		t.Errorf("not found: %+v %v", rep, err)
	}
}

// Another panel's "No files" says nothing about the attachments: on a page
// with an attachments section only the section's empty text counts.
func TestFieldEmptyTextOutsideTheSectionIsNoEvidence(t *testing.T) {
	t.Parallel()
	shared := sharedBrowser.Get(t)
	body := []byte("%PDF-1.7 late file")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/order_headers/4500002901":
			fmt.Fprint(w, `<html><body><h1>Purchase Order #4500002901</h1>
<section class="approvals"><h3>Approval files</h3><p>No files</p></section>
<section class="docs"><h3>Attachments</h3><div id="docs"></div></section>
<script>setTimeout(() => { document.getElementById("docs").innerHTML = '<span class="name" onclick="location.href=\'/f/1\'">late.pdf</span>'; }, 300)</script>
</body></html>`)
		case "/f/1":
			w.Header().Set("Content-Disposition", `attachment; filename="late.pdf"`)
			w.Header().Set("Content-Type", "application/pdf")
			w.Write(body)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	s := &coupa.Site{BaseURL: srv.URL, Root: t.TempDir(), PageTimeout: 10 * time.Second}
	res := s.Process(testContext(t), shared, coupa.Job{PO: "4500002901"}, nil)
	if res.Status != vocab.Completed || len(res.Files) != 1 {
		t.Fatalf("%v", res)
	}
	if got, _ := os.ReadFile(filepath.Join(res.Folder, "late.pdf")); string(got) != string(body) {
		t.Errorf("late.pdf holds %q", got)
	}
}
