package coupa

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every outcome needs positive evidence; what shows none is unrecognised.
func TestJudgeNeedsEvidence(t *testing.T) {
	files := []pageLink{{Href: "https://x/files/1", Text: "a.pdf"}}
	for _, tc := range []struct {
		name   string
		status int
		st     pageState
		empty  bool // NoSectionMeansEmpty
		want   verdictKind
		why    string
	}{
		{"password form", 200, pageState{Outcome: "signin", Password: true}, false, pageSignIn, "password"},
		{"404", 404, pageState{Outcome: "settled"}, false, pageNotFound, "HTTP 404"},
		{"403 with a text", 403, pageState{Outcome: "error", KnownError: "Acceso denegado"}, false, pageNotFound, `HTTP 403, "Acceso denegado"`},
		{"410", 410, pageState{Outcome: "settled", Heading: true}, false, pageNotFound, "HTTP 410"},
		{"known text at 200", 200, pageState{Outcome: "error", KnownError: "Desculpe, não encontramos o que você procurava", KnownErrorIn: "error region"}, false, pageNotFound, "error region"},
		{"known text on a PO page is not a verdict", 200, pageState{Outcome: "found", KnownError: "Access denied", KnownErrorIn: "error region", Heading: true, Links: files}, false, pageFiles, "1 attachment"},
		{"unknown-language error region, no markers", 200, pageState{Outcome: "settled", ErrorRegion: "Spiacenti, non abbiamo trovato"}, false, pageNotFound, "no PO markers"},
		{"error region on a PO page", 200, pageState{Outcome: "settled", ErrorRegion: "Saved", Heading: true}, false, pageUnrecognised, "no attachments section"},
		{"HTTP 400", 400, pageState{Outcome: "settled"}, false, pageFailed, "HTTP 400"},
		{"script error", 200, pageState{Outcome: "script", Note: "boom"}, false, pageFailed, "boom"},
		{"files", 200, pageState{Outcome: "found", Links: files}, false, pageFiles, "1 attachment"},
		{"empty text", 200, pageState{Outcome: "empty", Empty: "Nenhum anexo", Section: `heading "Anexos"`}, false, pageEmpty, "Nenhum anexo"},
		{"empty text on the PO's page, no section", 200, pageState{Outcome: "empty", Empty: "No attachments", Heading: true}, false, pageEmpty, "No attachments"},
		{"empty text on a page that is not the PO's", 200, pageState{Outcome: "empty", Empty: "No files"}, false, pageUnrecognised, "no record number"},
		{"empty text while still loading", 200, pageState{Outcome: "timeout", Loading: true, Empty: "No attachments", Section: "container #attachments"}, false, pageTimeout, "still loading"},
		{"still loading", 200, pageState{Outcome: "timeout", Loading: true, Section: "container #attachments"}, false, pageTimeout, "still loading"},
		{"section of unknown items", 200, pageState{Outcome: "settled", Section: "container #attachments", UnknownCount: 2, Unknown: []string{"li.row", "li.row"}}, false, pageUnrecognised, "2 item(s) that name no file"},
		{"empty section that finished", 200, pageState{Outcome: "settled", Section: "container #attachments", SectionFinished: true}, false, pageEmpty, "finished loading with no items"},
		{"empty section that never said so", 200, pageState{Outcome: "settled", Section: "container #attachments"}, false, pageUnrecognised, "never showed that it finished"},
		{"no section", 200, pageState{Outcome: "settled", Heading: true}, false, pageUnrecognised, "no attachments section"},
		{"no section, declared empty", 200, pageState{Outcome: "settled", Heading: true}, true, pageEmpty, "no_section_means_empty"},
		{"nothing at all, declared empty", 200, pageState{Outcome: "settled"}, true, pageUnrecognised, "no record number"},
	} {
		s := &Site{NoSectionMeansEmpty: tc.empty, MarkerTimeout: time.Second}
		v := s.judge(tc.status, tc.st)
		if v.kind != tc.want || !strings.Contains(v.why, tc.why) {
			t.Errorf("%s: %s %q, want %s with %q", tc.name, v.kind, v.why, tc.want, tc.why)
		}
		if (v.kind == pageUnrecognised || v.kind == pageTimeout || tc.st.Outcome == "script") != v.retryable {
			t.Errorf("%s: retryable %v", tc.name, v.retryable)
		}
	}
	// Files next to unknown items are fetched; the PO still ends UNRECOGNISED.
	v := (&Site{}).judge(200, pageState{Outcome: "found", Links: files, Section: "x", UnknownCount: 1})
	if v.kind != pageFiles || !strings.Contains(v.unknown, "1 item(s) that name no file") {
		t.Errorf("files and unknown items: %+v", v)
	}
}

func TestCleanHTMLRemovesSecrets(t *testing.T) {
	page := `<!DOCTYPE html><html><head><meta name="csrf-param" content="authenticity_token">
<meta name="csrf-token" content="tok123"><meta name="viewport" content="width=device-width">
<link rel="stylesheet" href="/assets/app.css?v=abc"></head><body>
<a href="/invoices?filter=open&amp;session=s3">Invoices</a> <a href="files/1?sig=zz#top">rel</a>
<img srcset="a.png?x=1 1x, b.png?y=2 2x" src="https://cdn.example.com/i.png?token=t">
<form action="/po?x=1"><input type="hidden" name="authenticity_token" value="tok456"><input name="q" value="keep"></form>
<p>See https://acme.coupahost.com/order_headers/1?secret=1 or /x/y?z=1. What? Yes.</p>
<script>fetch("/poll?po=4500001030"); var u = '//h.example/p?a=b';</script>
</body></html>`
	got, err := cleanHTML(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"csrf", "tok123", "tok456", "v=abc", "filter=open", "sig=zz", "x=1", "y=2", "token=t", "secret=1", "z=1", "po=45", "a=b"} {
		if strings.Contains(got, bad) {
			t.Errorf("cleaned page holds %q:\n%s", bad, got)
		}
	}
	for _, keep := range []string{`name="viewport"`, `href="/invoices"`, `href="files/1#top"`, `srcset="a.png 1x, b.png 2x"`,
		`src="https://cdn.example.com/i.png"`, `action="/po"`, `value="keep"`, "What? Yes.", `fetch("/poll")`, "https://acme.coupahost.com/order_headers/1 or"} {
		if !strings.Contains(got, keep) {
			t.Errorf("cleaned page lacks %q:\n%s", keep, got)
		}
	}
}

func TestPrunePagesKeepsTheNewest(t *testing.T) {
	root := t.TempDir()
	base := time.Now().Add(-time.Hour)
	for i := range 7 {
		dir := filepath.Join(root, []string{"a", "b"}[i%2])
		os.MkdirAll(dir, 0o700)
		p := filepath.Join(dir, "PO"+string(rune('0'+i))+".html")
		os.WriteFile(p, []byte("x"), 0o600)
		os.Chtimes(p, base, base.Add(time.Duration(i)*time.Minute))
	}
	prunePages(root, 3, (&Site{}).log())
	var left []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, filepath.Base(p))
		}
		return nil
	})
	slices.Sort(left)
	if strings.Join(left, ",") != "PO4.html,PO5.html,PO6.html" {
		t.Errorf("left %v, want the newest three", left)
	}
}
