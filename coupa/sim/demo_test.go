package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"html"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"coupatui/vocab"
)

// behaviours are everything the demo must show; each needs at least one PO.
var behaviours = []struct {
	name string
	has  func(po PO, reqs map[string]Requisition) bool
}{}

func anyAtt(f func(a Attachment) bool) func(PO, map[string]Requisition) bool {
	return func(po PO, reqs map[string]Requisition) bool {
		atts := slices.Clone(po.Attachments)
		if rq, ok := reqs[po.Requisition]; ok {
			atts = append(atts, rq.Attachments...)
		}
		return slices.ContainsFunc(atts, f)
	}
}

func named(name string) func(PO, map[string]Requisition) bool {
	return anyAtt(func(a Attachment) bool { return a.Name == name })
}

func init() {
	add := func(name string, f func(PO, map[string]Requisition) bool) {
		behaviours = append(behaviours, struct {
			name string
			has  func(PO, map[string]Requisition) bool
		}{name, f})
	}
	for _, sh := range Shapes {
		add("shape "+sh.String(), anyAtt(func(a Attachment) bool { return a.Shape == sh }))
	}
	for _, l := range Layouts {
		add("layout "+l.String(), func(po PO, _ map[string]Requisition) bool { return po.Layout == l && po.NotFound == 0 })
	}
	for _, lang := range Languages[1:] {
		add("language "+lang, func(po PO, _ map[string]Requisition) bool { return po.Language == lang && po.NotFound == 0 })
	}
	for _, ev := range []string{"mousedown", "pointerdown"} {
		add("event "+ev, anyAtt(func(a Attachment) bool { return a.Event == ev }))
	}
	add("floating toolbar", func(po PO, _ map[string]Requisition) bool { return po.FloatingBar && len(po.Attachments) > 0 })
	add("not-found text as a file name", anyAtt(func(a Attachment) bool { return strings.HasPrefix(a.Name, "Access denied") }))
	add("long-poll with a bound shape inserted late", func(po PO, _ map[string]Requisition) bool {
		return po.LongPoll && po.InsertDelay > 0 && slices.ContainsFunc(po.Attachments, func(a Attachment) bool { return a.Shape.bound() })
	})
	add("empty list text in another language", func(po PO, _ map[string]Requisition) bool {
		return po.Language != "" && po.Language != "en" && len(po.Attachments) == 0 && po.NotFound == 0
	})
	for m := SupplierDataName; m <= SupplierLabel; m++ {
		add("supplier markup "+itoa(m), func(po PO, _ map[string]Requisition) bool {
			return po.Supplier != "" && po.SupplierMarkup == m && po.NotFound == 0
		})
	}
	add("no supplier", func(po PO, _ map[string]Requisition) bool { return po.Supplier == "" && po.NotFound == 0 })
	add("no attachments", func(po PO, _ map[string]Requisition) bool {
		return po.NotFound == 0 && len(po.Attachments) == 0 && po.Requisition == ""
	})
	for _, status := range []int{200, 403, 404, 410} {
		add("not found "+itoa(status), func(po PO, _ map[string]Requisition) bool { return po.NotFound == status })
	}
	for _, text := range ErrorTexts {
		add("error text "+text, func(po PO, _ map[string]Requisition) bool {
			return po.NotFound != 0 && (po.ErrorText == text || po.ErrorText == "" && text == TextOops)
		})
	}
	for m := ErrorFlashUnderscore; m <= ErrorRoleAlert; m++ {
		add("error markup "+itoa(m), func(po PO, _ map[string]Requisition) bool { return po.NotFound != 0 && po.ErrorMarkup == m })
	}
	add("PR fallback with an .xlsx on the PO", func(po PO, reqs map[string]Requisition) bool {
		rq, ok := reqs[po.Requisition]
		return ok && !rq.Denied && len(po.Attachments) > 0 && !hasPDF(po.Attachments) && hasPDF(rq.Attachments)
	})
	add("PR fallback with nothing on the PO", func(po PO, reqs map[string]Requisition) bool {
		rq, ok := reqs[po.Requisition]
		return ok && !rq.Denied && len(po.Attachments) == 0 && hasPDF(rq.Attachments)
	})
	add("PR denied", func(po PO, reqs map[string]Requisition) bool {
		rq, ok := reqs[po.Requisition]
		return ok && rq.Denied && !hasPDF(po.Attachments)
	})
	add("requisition link not needed", func(po PO, _ map[string]Requisition) bool {
		return po.Requisition != "" && hasPDF(po.Attachments)
	})
	add("FirstTry5xx", func(po PO, _ map[string]Requisition) bool { return po.FirstTry5xx })
	add("CutOnce", anyAtt(func(a Attachment) bool { return a.CutOnce }))
	add("Fail5xxOnce", anyAtt(func(a Attachment) bool { return a.Fail5xxOnce }))
	add("Slow 2 MB", anyAtt(func(a Attachment) bool { return a.Slow && a.Size >= 2<<20 }))
	for _, n := range []string{"../../etc/passwd", `..\..\win.ini`, "CON.txt", "a/b/c.pdf", ".", ".."} {
		add("hostile name "+n, named(n))
	}
	add("control characters", anyAtt(func(a Attachment) bool { return hasControl(a.Name) }))
	add("300-character name", anyAtt(func(a Attachment) bool { return len([]rune(a.Name)) == 300 }))
	add("duplicate names", func(po PO, _ map[string]Requisition) bool {
		seen := map[string]bool{}
		for _, a := range po.Attachments {
			if seen[a.Name] {
				return true
			}
			seen[a.Name] = true
		}
		return false
	})
	add("RFC 5987 non-ASCII name", anyAtt(func(a Attachment) bool { return a.RFC5987 && asciiFallback(a.Name) != a.Name }))
	add("Orçamento name", named("Orçamento nº 5 – final.pdf"))
	add("NoFilename", anyAtt(func(a Attachment) bool { return a.NoFilename }))
	add("LongPoll with files", func(po PO, _ map[string]Requisition) bool { return po.LongPoll && len(po.Attachments) > 0 })
	add("LongPoll without files", func(po PO, _ map[string]Requisition) bool { return po.LongPoll && len(po.Attachments) == 0 })
	add("late insertion 800 ms", func(po PO, _ map[string]Requisition) bool { return po.InsertDelay >= 800e6 })
	for _, w := range []vocab.Status{vocab.Completed, vocab.NoAttachments, vocab.NotFound, vocab.PRNotAccessible, vocab.Unrecognised} {
		add("want "+string(w), func(po PO, _ map[string]Requisition) bool { return po.Want == w })
	}
}

func TestDemoCoversEveryBehaviour(t *testing.T) {
	opts := Demo(1)
	if n := len(opts.POs); n < 55 || n > 70 {
		t.Errorf("demo has %d POs, want about 60", n)
	}
	if opts.Latency != 300e6 || opts.Jitter != 200e6 {
		t.Errorf("demo latency %v ± %v, want 300ms ± 200ms", opts.Latency, opts.Jitter)
	}
	reqs := map[string]Requisition{}
	for _, rq := range opts.Requisitions {
		reqs[rq.ID] = rq
	}
	for _, b := range behaviours {
		if !slices.ContainsFunc(opts.POs, func(po PO) bool { return b.has(po, reqs) }) {
			t.Errorf("no demo PO shows %q", b.name)
		}
	}
	for _, po := range opts.POs {
		if po.Hang || po.AllocMB != 0 {
			t.Errorf("demo PO %s hangs or allocates; those belong to specific tests", po.ID)
		}
		if !regexp.MustCompile(`^45000010\d\d$`).MatchString(po.ID) {
			t.Errorf("demo PO id %s", po.ID)
		}
	}
}

func TestDemoWantFollowsTheRules(t *testing.T) {
	opts := Demo(1)
	s := Start(t, opts)
	for _, po := range opts.POs {
		got, ok := s.WantFor(po.ID)
		if !ok || got != po.Want {
			t.Errorf("PO %s: Want %s, the rules say %s", po.ID, po.Want, got)
		}
	}
	ids := func(po string) []string {
		var out []string
		for _, f := range s.Expected(po) {
			out = append(out, f.Name)
		}
		return out
	}
	for po, want := range map[string][]string{
		"4500001014": {"Price list.xlsx", "Supplier quote.pdf", "Budget approval.pdf"},
		"4500001016": {"Rate card.xlsx"},
		"4500001017": nil,
		"4500001018": {"Catering order.pdf"},
		"4500001008": nil,
	} {
		if got := ids(po); !slices.Equal(got, want) {
			t.Errorf("Expected(%s) = %q, want %q", po, got, want)
		}
	}
}

// TestDemoThroughAPlainClient walks the whole demo over HTTP the way a
// correct client would (without a browser: it reads the script's list and
// follows the "open" page by hand) and checks it reaches every PO's Want
// with exactly the Expected files.
func TestDemoThroughAPlainClient(t *testing.T) {
	opts := Demo(5)
	opts.Latency, opts.Jitter, opts.NoAssets = 0, 0, true
	for i := range opts.POs { // the 8 s Slow file is tested on its own
		for j := range opts.POs[i].Attachments {
			opts.POs[i].Attachments[j].Slow = false
		}
	}
	s := Start(t, opts)
	c := newClient(t)
	for _, po := range s.Catalogue() {
		status, files := walkPO(t, c, s, po.ID)
		if status != po.Want {
			t.Errorf("PO %s: reached %s, want %s", po.ID, status, po.Want)
		}
		if want := s.Expected(po.ID); !slices.Equal(files, want) {
			t.Errorf("PO %s: got files %+v\nwant %+v", po.ID, files, want)
		}
	}
	if st := s.Stats(); len(st.ConcurrentPOViolations) != 0 || st.MaxConcurrentPerPO != 1 {
		t.Errorf("one sequential client caused violations %v (max %d)", st.ConcurrentPOViolations, st.MaxConcurrentPerPO)
	}
}

var (
	elementRes = []*regexp.Regexp{
		regexp.MustCompile(`<a (?:download )?href="([^"#]+)">([^<]*)</a>`),
		regexp.MustCompile(`<a title="Attachment: ([^"]*)" href="([^"]+)">`),
		regexp.MustCompile(`<span role="button" tabindex="0" aria-label="Download attachment ([^"]*)" data-file="([^"]+)">`),
		// The bound shapes: the element's id, then its name.
		regexp.MustCompile(`<span class="chip" id="att-([^"]+)" title="([^"]*)">`),
		regexp.MustCompile(`<span class="file-name" id="att-([^"]+)">([^<]*)</span>`),
		regexp.MustCompile(`<span id="att-([^"]+)" aria-label="file attachment ([^"]*)">`),
		regexp.MustCompile(`<span role="button" id="att-([^"]+)" aria-label="file attachment ([^"]*)">`),
		regexp.MustCompile(`<div class="associated-file" id="att-([^"]+)"><span class="icon">📎</span> <span>([^<]*)</span>`),
		regexp.MustCompile(`<a href="#" id="att-([^"]+)">([^<]*)</a>`),
		// ShapeRowButton: the name, then the button.
		regexp.MustCompile(`<span class="file-name">([^<]*)</span>(?: |</td><td>[^<]*</td><td>)<button type="button" id="att-([^"]+)">`),
	}
	tileRe     = regexp.MustCompile(`<span class="tile" id="att-`)
	frameRe    = regexp.MustCompile(`<iframe class="docs-frame" src="([^"]+)"`)
	errorRe    = regexp.MustCompile(`<div (class="flash_error"|class="flash-error" role="alert"|id="error_explanation"|class="notice" role="alert")>`)
	redirectRe = regexp.MustCompile(`location\.replace\("([^"]+)"\)`)
	reqLinkRe  = regexp.MustCompile(`href="(/requisition_headers/\d+)"`)
)

type found struct{ name, url string }

// listed reads the attachments a record page's script would insert (from
// its frame's page for LayoutFrame); unknown reports tiles that name no
// file, none a page with no attachments section.
func listed(t *testing.T, c *http.Client, s *Server, page string) (out []found, unknown, none bool) {
	if m := frameRe.FindStringSubmatch(page); m != nil {
		_, inner := fetch(t, c, s.URL()+m[1])
		page = string(inner)
	} else if !listHTMLRe.MatchString(page) || strings.Contains(page, "var listID = \"\";") {
		return nil, false, true
	}
	list := insertedHTML(t, page)
	binds := pageBinds(t, page)
	type hit struct {
		at int
		f  found
	}
	var hits []hit
	for i, re := range elementRes {
		for _, m := range re.FindAllStringSubmatchIndex(list, -1) {
			a, b := list[m[2]:m[3]], list[m[4]:m[5]]
			f := found{name: html.UnescapeString(b), url: a}
			switch {
			case i == 1:
				f = found{name: html.UnescapeString(a), url: b}
			case i == 2:
				f = found{name: html.UnescapeString(a), url: "/files/" + b}
			case i == len(elementRes)-1:
				a, b = b, a
				fallthrough
			case i >= 3:
				bd, ok := binds["#att-"+a]
				if !ok {
					t.Fatalf("bound element att-%s has no handler", a)
				}
				f = found{name: html.UnescapeString(b), url: bd.URL}
			}
			hits = append(hits, hit{m[0], f})
		}
	}
	slices.SortFunc(hits, func(x, y hit) int { return x.at - y.at })
	for _, h := range hits {
		out = append(out, h.f)
	}
	return out, tileRe.MatchString(list), false
}

// isErrorPage reads an error page by its markup, never by its text: a
// file may be called "Access denied letter.pdf".
func isErrorPage(page string) bool { return errorRe.MatchString(staticHTML(page)) }

func walkPO(t *testing.T, c *http.Client, s *Server, id string) (vocab.Status, []File) {
	t.Helper()
	resp, page := fetch(t, c, s.URL()+"/order_headers/"+id)
	if resp.StatusCode == http.StatusServiceUnavailable {
		resp, page = fetch(t, c, s.URL()+"/order_headers/"+id)
	}
	if isErrorPage(string(page)) {
		return vocab.NotFound, nil
	}
	atts, unknown, none := listed(t, c, s, string(page))
	if unknown || none {
		return vocab.Unrecognised, nil
	}
	var files []File
	for _, f := range atts {
		files = append(files, download(t, c, s, f))
	}
	pdf := slices.ContainsFunc(atts, func(f found) bool { return strings.HasSuffix(strings.ToLower(f.name), ".pdf") })
	if m := reqLinkRe.FindStringSubmatch(string(page)); m != nil && !pdf {
		_, rq := fetch(t, c, s.URL()+m[1])
		if isErrorPage(string(rq)) {
			return vocab.PRNotAccessible, files
		}
		more, _, _ := listed(t, c, s, string(rq))
		for _, f := range more {
			files = append(files, download(t, c, s, f))
		}
	}
	if len(files) == 0 {
		return vocab.NoAttachments, nil
	}
	return vocab.Completed, files
}

// download fetches one listed attachment, retrying 503s and cuts.
func download(t *testing.T, c *http.Client, s *Server, f found) File {
	t.Helper()
	url := s.URL() + f.url
	for attempt := 0; attempt < 3; attempt++ {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			continue
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			m := redirectRe.FindSubmatch(body)
			if m == nil {
				t.Fatalf("%s answered HTML without a redirect", url)
			}
			url, attempt = s.URL()+string(m[1]), attempt-1
			continue
		}
		sum := sha256.Sum256(body)
		id := url[strings.LastIndexAny(url, "/=")+1:]
		return File{AttachmentID: id, Name: f.name, Size: len(body), SHA256: hex.EncodeToString(sum[:])}
	}
	t.Fatalf("%s failed three times", url)
	return File{}
}
