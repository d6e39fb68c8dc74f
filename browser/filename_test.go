package browser

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSanitizeFileName(t *testing.T) {
	long := strings.Repeat("é", 150) + ".pdf" // 304 bytes
	for _, tc := range []struct{ in, want string }{
		{"quote.pdf", "quote.pdf"},
		{"../../etc/passwd", "etc_passwd"},
		{`..\..\win.ini`, "win.ini"},
		{"a/b/c.pdf", "a_b_c.pdf"},
		{"/abs/path.txt", "abs_path.txt"},
		{"C:\\Users\\x\\evil.exe", "C__Users_x_evil.exe"},
		{"CON.txt", "_CON.txt"},
		{"con", "_con"},
		{"Nul.tar.gz", "_Nul.tar.gz"},
		{"COM1.pdf", "_COM1.pdf"},
		{"lpt9", "_lpt9"},
		{"COM¹.txt", "_COM¹.txt"},
		{"CONSOLE.txt", "CONSOLE.txt"},
		{"COM10.txt", "COM10.txt"},
		{"report\x07\x1b[31m red\tcopy.pdf", "report[31m red copy.pdf"},
		{"a<b>c:d\"e|f?g*h.pdf", "a_b_c_d_e_f_g_h.pdf"},
		{"trailing dots...", "trailing dots"},
		{"trailing space.pdf  ", "trailing space.pdf"},
		{".hidden", "hidden"},
		{"...x", "x"},
		{"report..final.pdf", "report.final.pdf"},
		{".", ""},
		{"..", ""},
		{"", ""},
		{"   ", ""},
		{"///", ""},
		{"\x00\x01", ""},
		{"_", ""},
		{"Orçamento nº 5 – final.pdf", "Orçamento nº 5 – final.pdf"},
		{"見積書.pdf", "見積書.pdf"},
		{"e\u0301cole.pdf", "école.pdf"},           // NFD → NFC
		{"invoice\u202Efdp.exe", "invoicefdp.exe"}, // bidi override removed
		{"bad\xffutf8.pdf", "bad_utf8.pdf"},
		{long, strings.Repeat("é", 98) + ".pdf"},
		// Issue 11 item 10: reserved once cut to length; a blank stem.
		{"CON" + strings.Repeat(" ", 250) + "x.pdf", "_CON.pdf"},
		{"nul" + strings.Repeat(".", 300) + "txt", "_nul.txt"},
		{"\u00a0.pdf", "_.pdf"},
		{" .pdf", "_.pdf"},
		{"\u200b.pdf", "_.pdf"},
		{"dir/\u00a0.pdf", "dir__.pdf"},
		{"_.pdf", "_.pdf"},
	} {
		if got := SanitizeFileName(tc.in); got != tc.want {
			t.Errorf("SanitizeFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSanitizeKeepsExtensionOfLongNames(t *testing.T) {
	got := SanitizeFileName(strings.Repeat("Very long scanned purchase agreement name ", 8)[:296] + ".pdf")
	if len(got) > MaxNameBytes || !strings.HasSuffix(got, ".pdf") {
		t.Errorf("long name → %q (%d bytes)", got, len(got))
	}
	noExt := SanitizeFileName(strings.Repeat("x", 400))
	if len(noExt) != MaxNameBytes {
		t.Errorf("long name without extension → %d bytes", len(noExt))
	}
}

// checkSafeName asserts every property a sanitised name promises.
func checkSafeName(t *testing.T, in, got string) {
	t.Helper()
	if got == "" {
		return
	}
	bad := func(why string) { t.Errorf("SanitizeFileName(%q) = %q: %s", in, got, why) }
	if !utf8.ValidString(got) {
		bad("invalid UTF-8")
	}
	if len(got) > MaxNameBytes {
		bad("too long")
	}
	if strings.ContainsAny(got, `/\<>:"|?*`) {
		bad("forbidden character")
	}
	if strings.Contains(got, "..") {
		bad(`contains ".."`)
	}
	if strings.HasPrefix(got, ".") || strings.HasPrefix(got, " ") {
		bad("hidden or leading space")
	}
	if strings.HasSuffix(got, ".") || strings.HasSuffix(got, " ") {
		bad("trailing dot or space")
	}
	for _, r := range got {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			bad("control or format character")
		}
	}
	if isReservedWindowsName(got) {
		bad("reserved Windows name")
	}
	if filepath.Base(got) != got || filepath.Clean(got) != got {
		bad("not a single clean path element")
	}
	if again := SanitizeFileName(got); again != got {
		t.Errorf("not idempotent: %q → %q → %q", in, got, again)
	}
}

func FuzzSanitizeFileName(f *testing.F) {
	for _, seed := range []string{"../../etc/passwd", `..\..\win.ini`, "CON.txt", "a/b/c.pdf",
		"report\x07\x1b[31m red\tcopy.pdf", strings.Repeat("x", 300) + ".pdf", ".", "..", "invoice.pdf",
		"Orçamento nº 5 – final.pdf", "COM¹", " .hidden. ", "a\u202Eb", "\xff\xfe", strings.Repeat("é", 120) + ".tar.gz",
		"._.", "_..", "nul .txt", "CON" + strings.Repeat(" ", 250) + "x.pdf", "\u00a0.pdf"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSafeName(t, in, SanitizeFileName(in))
	})
}

func TestDispositionName(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{`attachment; filename="quote.pdf"`, "quote.pdf"},
		{`attachment; filename=quote.pdf`, "quote.pdf"},
		{`attachment; filename="a \"quoted\" name.pdf"`, `a "quoted" name.pdf`},
		{`attachment; filename="Or_amento.pdf"; filename*=UTF-8''Or%C3%A7amento%20n%C2%BA%205.pdf`, "Orçamento nº 5.pdf"},
		{`attachment; filename*=UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8.pdf; filename="fallback.pdf"`, "見積書.pdf"},
		{`attachment; filename*=iso-8859-1'en'%E9t%E9.txt`, "été.txt"},
		{`attachment; FILENAME="upper.pdf"`, "upper.pdf"},
		{`attachment; filename*0="long"; filename*1="name.pdf"`, "longname.pdf"},
		{`attachment; filename*0*=UTF-8''%C3%A9; filename*1=".pdf"`, "é.pdf"},
		{`attachment; filename=report final.pdf`, "report final.pdf"},
		{"attachment; filename=\"Orçamento.pdf\"", "Orçamento.pdf"},
		{"attachment; filename=\"caf\xe9.pdf\"", "café.pdf"},
		{`attachment; filename*=UTF-8''bad%ZZ; filename="ok.pdf"`, "ok.pdf"},
		{`attachment; filename*=KOI8-R''x; filename="ok.pdf"`, "ok.pdf"},
		{`attachment;; filename="x.pdf";`, "x.pdf"},
		{`attachment; size=12; filename="y.pdf"`, "y.pdf"},
		{`attachment; filename="unterminated.pdf`, "unterminated.pdf"},
		{`attachment`, ""},
		{`inline`, ""},
		{``, ""},
		{`attachment; filename=""`, ""},
	} {
		if got := DispositionName(tc.header); got != tc.want {
			t.Errorf("DispositionName(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestChooseName(t *testing.T) {
	for _, tc := range []struct {
		disposition, suggested, url, ctype string
		want                               string
	}{
		{`attachment; filename="a.pdf"`, "b.pdf", "http://x/c.pdf", "", "a.pdf"},
		{`attachment; filename=".."`, "b.pdf", "http://x/c.pdf", "", "b.pdf"},
		{`attachment`, "", "http://x/files/c%20d.pdf?x=1", "", "c d.pdf"},
		{`attachment`, "", "http://x/files/7001", "application/pdf; charset=x", "7001.pdf"},
		{`attachment`, "", "http://x/download?file=9", "text/csv", "download.csv"},
		{``, "", "http://x/", "application/zip", "attachment-4.zip"},
		{``, "", "http://x/", "application/x-unknown", "attachment-4"},
	} {
		if got := chooseName(tc.disposition, tc.suggested, tc.url, tc.ctype, 3); got != tc.want {
			t.Errorf("chooseName(%q, %q, %q, %q) = %q, want %q", tc.disposition, tc.suggested, tc.url, tc.ctype, got, tc.want)
		}
	}
}

func TestNameBookDeduplicatesInPageOrder(t *testing.T) {
	wants := []string{"invoice.pdf", "Invoice.PDF", "invoice.pdf", "invoice (2).pdf", "other", "other", ".pdf"}
	nb := newNameBook(len(wants), nil)
	got := make([]string, len(wants))
	var wg sync.WaitGroup
	// Claim in reverse order: each must still get its page-order name.
	for i := len(wants) - 1; i >= 0; i-- {
		wg.Go(func() {
			name, err := nb.claim(context.Background(), i, wants[i])
			if err != nil {
				t.Error(err)
			}
			got[i] = name
		})
	}
	wg.Wait()
	want := []string{"invoice.pdf", "Invoice (2).PDF", "invoice (3).pdf", "invoice (2) (2).pdf", "other", "other (2)", ".pdf"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("slot %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestNameBookAbandonAndCancel(t *testing.T) {
	nb := newNameBook(3, nil)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := nb.claim(ctx, 2, "x.pdf")
		errc <- err
	}()
	cancel()
	if err := <-errc; err != context.Canceled {
		t.Errorf("claim after cancel: %v", err)
	}
	nb.abandon(0)
	name, err := nb.claim(context.Background(), 1, "x.pdf")
	if err != nil || name != "x.pdf" {
		t.Errorf("claim after an abandoned slot: %q, %v", name, err)
	}
	nb.abandon(1) // a claimed slot keeps its name
	if nb.name(1) != "x.pdf" {
		t.Errorf("abandon dropped a claimed name")
	}
	if name, _ := nb.claim(context.Background(), 2, "x.pdf"); name != "x (2).pdf" {
		t.Errorf("third slot got %q", name)
	}
}

func TestNameBookAvoidsTakenNames(t *testing.T) {
	nb := newNameBook(2, []string{"quote.pdf", "Quote (2).pdf"})
	a, _ := nb.claim(context.Background(), 0, "quote.pdf")
	b, _ := nb.claim(context.Background(), 1, "new.pdf")
	if a != "quote (3).pdf" || b != "new.pdf" {
		t.Errorf("names %q, %q", a, b)
	}
}

func TestDedupedNamesStayWithinTheCap(t *testing.T) {
	long := strings.Repeat("x", MaxNameBytes-4) + ".pdf"
	nb := newNameBook(2, nil)
	nb.claim(context.Background(), 0, long)
	second, _ := nb.claim(context.Background(), 1, long)
	if len(second) > MaxNameBytes || !strings.HasSuffix(second, " (2).pdf") {
		t.Errorf("deduplicated long name %q (%d bytes)", second, len(second))
	}
}
