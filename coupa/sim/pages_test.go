package sim

import (
	"fmt"
	"image/png"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"coupatui/vocab"
)

func everyShape(prefix string) []Attachment {
	var atts []Attachment
	for _, sh := range Shapes {
		atts = append(atts, Attachment{ID: prefix + sh.String(), Name: sh.String() + " <&> \"q\".pdf", Size: 100, Shape: sh})
	}
	return atts
}

func TestPOPageListsEveryShapeByScript(t *testing.T) {
	s := Start(t, Options{Seed: 1, NoAssets: true, POs: []PO{
		{ID: "4500000001", Supplier: "Acme", Attachments: everyShape("a-"), Want: vocab.Completed},
	}})
	c := newClient(t)
	resp, page := mustStatus(t, c, s.URL()+"/order_headers/4500000001", http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	contains(t, "page", page, "<title>PO 4500000001 | Coupa</title>")
	contains(t, "page", page, "<h1>Purchase Order #4500000001</h1>")
	contains(t, "page", page, `<table class="lines">`)
	contains(t, "page", page, `<div id="attachments" class="attachment-list" aria-busy="true"`)
	contains(t, "page", page, `window.addEventListener("load"`)

	static := staticHTML(page)
	markers := regexp.MustCompile(`(?i)(href="[^"]*(attachment|download)|title="[^"]*attachment|aria-label="[^"]*attachment|<a download|data-file=)`)
	if m := markers.FindString(static); m != "" {
		t.Errorf("static HTML already holds an attachment marker %q; attachments must come by script", m)
	}

	list := insertedHTML(t, page)
	want := map[Shape]string{
		ShapeAttachmentLink: `<a href="/order_headers/4500000001/attachments/a-attachment-link">attachment-link &lt;&amp;&gt; &#34;q&#34;.pdf</a>`,
		ShapeDownloadLink:   `<a href="/download?file=a-download-link">download-link &lt;&amp;&gt; &#34;q&#34;.pdf</a>`,
		ShapeDownloadAttr:   `<a download href="/files/a-download-attr">download-attr &lt;&amp;&gt; &#34;q&#34;.pdf</a>`,
		ShapeTitled:         `<a title="Attachment: titled &lt;&amp;&gt; &#34;q&#34;.pdf" href="/files/a-titled">📎</a>`,
		ShapeButton:         `<span role="button" tabindex="0" aria-label="Download attachment button &lt;&amp;&gt; &#34;q&#34;.pdf" data-file="a-button">button &lt;&amp;&gt; &#34;q&#34;.pdf</span>`,
		ShapeScriptRedirect: `<a href="/attachments/a-script-redirect/open">script-redirect &lt;&amp;&gt; &#34;q&#34;.pdf</a>`,
		ShapeTitleOnly:      `<span class="chip" id="att-a-title-only" title="title-only &lt;&amp;&gt; &#34;q&#34;.pdf">📄</span>`,
		ShapeTextOnly:       `<span class="file-name" id="att-a-text-only">text-only &lt;&amp;&gt; &#34;q&#34;.pdf</span>`,
		ShapeAriaFile:       `<span id="att-a-aria-file" aria-label="file attachment aria-file &lt;&amp;&gt; &#34;q&#34;.pdf"><i class="icon">🗎</i></span>`,
		ShapeAriaButton:     `<span role="button" id="att-a-aria-button" aria-label="file attachment aria-button &lt;&amp;&gt; &#34;q&#34;.pdf">aria-button &lt;&amp;&gt; &#34;q&#34;.pdf</span>`,
		ShapeAssociated:     `<div class="associated-file" id="att-a-associated-file"><span class="icon">📎</span> <span>associated-file &lt;&amp;&gt; &#34;q&#34;.pdf</span></div>`,
		ShapePopup:          `<a href="#" id="att-a-popup">popup &lt;&amp;&gt; &#34;q&#34;.pdf</a>`,
		ShapeRowButton:      `<span class="file-name">row-button &lt;&amp;&gt; &#34;q&#34;.pdf</span> <button type="button" id="att-a-row-button">Download</button>`,
	}
	last := -1
	for _, sh := range Shapes {
		i := strings.Index(list, want[sh])
		if i < 0 {
			t.Errorf("inserted list lacks the %s element %s\nlist: %s", sh, want[sh], list)
			continue
		}
		if i < last {
			t.Errorf("%s is out of page order", sh)
		}
		last = i
	}
	lacks(t, "inserted list", list, NoAttachmentsText)
	contains(t, "page", page, `location.href = "/files/" + encodeURIComponent(el.getAttribute("data-file"))`)
	// The bound shapes' handlers are in the script, not in the markup.
	binds := pageBinds(t, page)
	for _, sh := range Shapes {
		id := "a-" + sh.String()
		b, ok := binds["#att-"+id]
		if sh.bound() != ok || ok && (b.URL != "/files/"+id || b.Event != "click" || b.Popup != (sh == ShapePopup)) {
			t.Errorf("%s: bind %+v (bound %v)", sh, b, ok)
		}
	}
	lacks(t, "inserted list", list, "onclick")
	contains(t, "page", static, `<meta name="csrf-token" content="`)
}

func TestBoundEventsAndLayouts(t *testing.T) {
	a := func(id string, sh Shape, ev string) Attachment {
		return Attachment{ID: id, Name: id + ".pdf", Size: 10, Shape: sh, Event: ev}
	}
	s := Start(t, Options{NoAssets: true, POs: []PO{
		{ID: "4500000901", Attachments: []Attachment{a("m", ShapeTextOnly, "mousedown"), a("p", ShapeAriaFile, "pointerdown")}},
		{ID: "4500000902", Layout: LayoutTable, Attachments: []Attachment{a("t", ShapeRowButton, "")}},
		{ID: "4500000903", Layout: LayoutTable, Language: "de"},
		{ID: "4500000904", Layout: LayoutCollapsed, Language: "fr", Attachments: []Attachment{a("c", ShapeTextOnly, "")}},
		{ID: "4500000905", Layout: LayoutFrame, Attachments: []Attachment{a("f", ShapeTextOnly, "")}},
		{ID: "4500000906", Layout: LayoutBare},
		{ID: "4500000907", Layout: LayoutUnknown, Attachments: []Attachment{a("u", ShapeTextOnly, "")}},
		{ID: "4500000908", Layout: LayoutNone, FloatingBar: true, Supplier: "Acme", SupplierMarkup: SupplierLabel, Language: "pt"},
	}})
	c := newClient(t)
	page := func(id string) string { _, p := mustStatus(t, c, s.URL()+"/order_headers/"+id, 200); return p }

	binds := pageBinds(t, page("4500000901"))
	if binds["#att-m"].Event != "mousedown" || binds["#att-p"].Event != "pointerdown" {
		t.Errorf("events %+v", binds)
	}
	table := insertedHTML(t, page("4500000902"))
	contains(t, "table", table, `<tr><td><span class="file-name">t.pdf</span></td><td>10 bytes</td><td><button type="button" id="att-t">Download</button></td></tr>`)
	contains(t, "empty German table", insertedHTML(t, page("4500000903")), `<tr><td colspan="3">Keine Anhänge</td></tr>`)
	collapsed := page("4500000904")
	contains(t, "collapsed", collapsed, `aria-expanded="false" aria-controls="docs-body">Pièces jointes (1)</button>`)
	lacks(t, "collapsed French page", staticHTML(collapsed), `id="attachments"`)
	lacks(t, "collapsed French page", staticHTML(collapsed), `class="attachments-panel"`)
	frame := page("4500000905")
	contains(t, "frame", frame, `<iframe class="docs-frame" src="/order_headers/4500000905/attachments_frame"`)
	_, inner := mustStatus(t, c, s.URL()+"/order_headers/4500000905/attachments_frame", 200)
	contains(t, "frame page", insertedHTML(t, inner), `<span class="file-name" id="att-f">f.pdf</span>`)
	mustStatus(t, c, s.URL()+"/order_headers/4500000901/attachments_frame", 404)
	if got := insertedHTML(t, page("4500000906")); got != "" {
		t.Errorf("bare empty list inserts %q", got)
	}
	contains(t, "unknown items", insertedHTML(t, page("4500000907")), `<span class="tile" id="att-u"`)
	none := page("4500000908")
	lacks(t, "page without a section", none, "<h3>")
	contains(t, "page without a section", none, `<span class="label">Fornecedor</span><span class="sep">:</span> <span>Acme</span>`)
	contains(t, "floating bar", none, `class="page_buttons_right orderHeaderShowFloatingSection floatingSectionOnTop"`)
	for id, want := range map[string]vocab.Status{"4500000906": vocab.NoAttachments, "4500000907": vocab.Unrecognised,
		"4500000908": vocab.Unrecognised, "4500000905": vocab.Completed} {
		if got, _ := s.WantFor(id); got != want {
			t.Errorf("WantFor(%s) = %s, want %s", id, got, want)
		}
	}
	if s.Expected("4500000907") != nil {
		t.Error("a correct client fetches nothing from unknown items")
	}
}

func TestEmptyPOShowsNoAttachmentsText(t *testing.T) {
	s := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500000002", Want: vocab.NoAttachments}}})
	_, page := mustStatus(t, newClient(t), s.URL()+"/order_headers/4500000002", http.StatusOK)
	if got := insertedHTML(t, page); got != `<p class="empty-list">No attachments</p>` {
		t.Errorf("empty list inserts %q", got)
	}
	lacks(t, "static page", staticHTML(page), NoAttachmentsText)
}

func TestSupplierMarkupVariants(t *testing.T) {
	want := []string{
		`<span data-supplier-name="Böhm &amp; Söhne">Böhm &amp; Söhne</span>`,
		`<div class="po-supplier-name">Böhm &amp; Söhne</div>`,
		`<div class="supplier-info"><span>Böhm &amp; Söhne</span>`,
		`<div data-testid="po-supplier">Böhm &amp; Söhne</div>`,
	}
	markers := []string{"data-supplier-name", "supplier-name\"", "supplier-info", "data-testid"}
	var pos []PO
	for i := range want {
		pos = append(pos, PO{ID: fmt.Sprintf("450000010%d", i), Supplier: "Böhm & Söhne", SupplierMarkup: i})
	}
	pos = append(pos, PO{ID: "4500000199"}) // no supplier
	s := Start(t, Options{NoAssets: true, POs: pos})
	c := newClient(t)
	for i, w := range want {
		_, page := mustStatus(t, c, s.URL()+"/order_headers/"+pos[i].ID, http.StatusOK)
		contains(t, fmt.Sprintf("markup %d page", i), page, w)
		for j, m := range markers {
			if j != i {
				lacks(t, fmt.Sprintf("markup %d page", i), page, m)
			}
		}
	}
	_, page := mustStatus(t, c, s.URL()+"/order_headers/4500000199", http.StatusOK)
	for _, m := range append(markers, "supplier-block") {
		lacks(t, "page without supplier", page, m)
	}
}

func TestNotFoundPages(t *testing.T) {
	markup := []string{`<div class="flash_error">`, `<div class="flash-error" role="alert">`, `<div id="error_explanation"><h2>`, `<div class="notice" role="alert"><p>`}
	var pos []PO
	type want struct {
		status int
		text   string
		markup int
	}
	wants := map[string]want{}
	n := 0
	for _, status := range []int{200, 403, 404, 410} {
		for ti, text := range append([]string{""}, ErrorTexts...) {
			id := fmt.Sprintf("4500000%03d", 200+n)
			m := (ti + status) % 4
			n++
			pos = append(pos, PO{ID: id, NotFound: status, ErrorText: text, ErrorMarkup: m, Want: vocab.NotFound})
			if text == "" {
				text = TextOops
			}
			wants[id] = want{status, text, m}
		}
	}
	wants["4599999999"] = want{404, TextOops, 0} // unknown id
	s := Start(t, Options{NoAssets: true, POs: pos})
	c := newClient(t)
	for id, w := range wants {
		_, page := mustStatus(t, c, s.URL()+"/order_headers/"+id, w.status)
		text := visibleText(page)
		contains(t, "error page "+id, text, markup[w.markup]+w.text)
		lacks(t, "error page "+id, page, `id="attachments"`)
		lacks(t, "error page "+id, page, id)
	}
	st := s.Stats()
	if st.Pages["4599999999"] != 1 || st.Pages[pos[0].ID] != 1 {
		t.Errorf("error pages not counted as page loads: %v", st.Pages)
	}
}

func TestRequisitionPages(t *testing.T) {
	s := Start(t, Options{NoAssets: true,
		POs: []PO{{ID: "4500000301", Requisition: "2100301", Attachments: []Attachment{{Name: "rates.xlsx", Size: 10}}}},
		Requisitions: []Requisition{
			{ID: "2100301", Attachments: []Attachment{{ID: "r1", Name: "quote.pdf", Size: 10, Shape: ShapeAttachmentLink}}},
			{ID: "2100302", Denied: true, Attachments: []Attachment{{Name: "secret.pdf", Size: 10}}},
			{ID: "2100303"},
		}})
	c := newClient(t)
	_, po := mustStatus(t, c, s.URL()+"/order_headers/4500000301", http.StatusOK)
	contains(t, "PO page", staticHTML(po), `<a class="requisition-link" href="/requisition_headers/2100301">`)

	_, page := mustStatus(t, c, s.URL()+"/requisition_headers/2100301", http.StatusOK)
	contains(t, "requisition page", page, "<h1>Requisition #2100301</h1>")
	contains(t, "requisition list", insertedHTML(t, page), `<a href="/requisition_headers/2100301/attachments/r1">quote.pdf</a>`)

	_, denied := mustStatus(t, c, s.URL()+"/requisition_headers/2100302", http.StatusOK)
	contains(t, "denied requisition", denied, `<div class="flash_error">`+TextNotAuthorized)
	lacks(t, "denied requisition", denied, "secret.pdf")

	_, empty := mustStatus(t, c, s.URL()+"/requisition_headers/2100303", http.StatusOK)
	if got := insertedHTML(t, empty); !strings.Contains(got, NoAttachmentsText) {
		t.Errorf("empty requisition inserts %q", got)
	}
	_, unknown := mustStatus(t, c, s.URL()+"/requisition_headers/2199999", http.StatusNotFound)
	contains(t, "unknown requisition", visibleText(unknown), TextOops)

	mustStatus(t, c, s.URL()+"/requisition_headers/2100301/attachments/r1", http.StatusOK)
	st := s.Stats()
	for _, id := range []string{"2100301", "2100302", "2100303", "2199999"} {
		if st.Requisitions[id] != 1 {
			t.Errorf("Requisitions[%s] = %d, want 1", id, st.Requisitions[id])
		}
	}
}

func TestFirstTry5xxAnswers503Once(t *testing.T) {
	s := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500000401", FirstTry5xx: true}}})
	c := newClient(t)
	_, body := mustStatus(t, c, s.URL()+"/order_headers/4500000401", http.StatusServiceUnavailable)
	contains(t, "503 page", body, "Service Unavailable")
	if got := s.Stats().Pages["4500000401"]; got != 0 {
		t.Errorf("a 503 counted as a page load: %d", got)
	}
	mustStatus(t, c, s.URL()+"/order_headers/4500000401", http.StatusOK)
	mustStatus(t, c, s.URL()+"/order_headers/4500000401", http.StatusOK)
	if got := s.Stats().Pages["4500000401"]; got != 2 {
		t.Errorf("Pages = %d, want 2", got)
	}
}

func TestScriptBehaviours(t *testing.T) {
	s := Start(t, Options{Seed: 3, NoAssets: true, POs: []PO{
		{ID: "4500000501", LongPoll: true},
		{ID: "4500000502", Hang: true, Want: vocab.Timeout},
		{ID: "4500000503", AllocMB: 64},
		{ID: "4500000504", InsertDelay: 800 * time.Millisecond},
		{ID: "4500000505"},
	}})
	c := newClient(t)
	page := func(id string) string { _, p := mustStatus(t, c, s.URL()+"/order_headers/"+id, 200); return p }

	contains(t, "long-poll page", page("4500000501"), `fetch("/poll?po=4500000501"`)
	hang := page("4500000502")
	contains(t, "hang page", hang, "for (;;) {}")
	if strings.Index(hang, "for (;;) {}") > strings.Index(hang, "setTimeout") {
		t.Error("the hang loop must run before the list is inserted")
	}
	contains(t, "alloc page", page("4500000503"), "i <  64 ; i++) { var b = new Uint8Array(1048576)")
	contains(t, "delayed page", page("4500000504"), "var delay =  800 ;")
	plain := page("4500000505")
	for _, absent := range []string{"fetch(", "for (;;)", "Uint8Array"} {
		lacks(t, "plain page", plain, absent)
	}
}

func TestDefaultInsertDelayIsSeeded(t *testing.T) {
	var pos []PO
	for i := range 12 {
		pos = append(pos, PO{ID: fmt.Sprintf("45000006%02d", i)})
	}
	delays := func(seed int64) []int {
		s := Start(t, Options{Seed: seed, NoAssets: true, POs: pos})
		c := newClient(t)
		var out []int
		for _, po := range pos {
			_, page := mustStatus(t, c, s.URL()+"/order_headers/"+po.ID, 200)
			m := delayRe.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no delay in page %s", po.ID)
			}
			d, _ := strconv.Atoi(m[1])
			if d < 0 || d > defaultInsertDelayMS {
				t.Errorf("default delay %d ms outside 0–%d", d, defaultInsertDelayMS)
			}
			out = append(out, d)
		}
		return out
	}
	a, b, other := delays(7), delays(7), delays(8)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("same seed, different delays: %v vs %v", a, b)
	}
	if fmt.Sprint(a) == fmt.Sprint(other) {
		t.Errorf("seeds 7 and 8 gave the same delays %v", a)
	}
}

func TestHeavyAssets(t *testing.T) {
	s := Start(t, Options{POs: []PO{{ID: "4500000701"}}})
	c := newClient(t)
	_, page := mustStatus(t, c, s.URL()+"/order_headers/4500000701", 200)
	re := regexp.MustCompile(`(?:src|poster)="(/assets/[^"]+)"|url\("(/assets/[^"]+)"\)`)
	var refs []string
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		refs = append(refs, m[1]+m[2])
	}
	if len(refs) != 5 {
		t.Fatalf("page references %d assets, want 5 (2 images, font, poster, video): %v", len(refs), refs)
	}
	total := 0
	for _, ref := range refs {
		resp, body := mustStatus(t, c, s.URL()+ref, 200)
		total += len(body)
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s is cacheable", ref)
		}
		if strings.HasSuffix(ref, ".png") {
			cfg, err := png.DecodeConfig(strings.NewReader(body))
			if err != nil || cfg.Width != 600 || len(body) < 1000000 {
				t.Errorf("%s: not a ~1 MB PNG (%d bytes, %v)", ref, len(body), err)
			}
		}
	}
	if total < 3_000_000 {
		t.Errorf("assets total %d bytes; they should be heavy", total)
	}
	if got := s.Stats().Assets; got != 5 {
		t.Errorf("Stats.Assets = %d, want 5", got)
	}

	lean := Start(t, Options{NoAssets: true, POs: []PO{{ID: "4500000701"}}})
	_, page = mustStatus(t, c, lean.URL()+"/order_headers/4500000701", 200)
	lacks(t, "NoAssets page", page, "/assets/")
}

func TestHomeAndUnknownPaths(t *testing.T) {
	s := Start(t, Options{NoAssets: true})
	c := newClient(t)
	mustStatus(t, c, s.URL()+"/", 200)
	mustStatus(t, c, s.URL()+"/favicon.ico", 404)
	mustStatus(t, c, s.URL()+"/files/nope", 404)
	mustStatus(t, c, s.URL()+"/attachments/nope/open", 404)
}
