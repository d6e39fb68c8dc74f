package emailpdf

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"coupatui/browser"
	"coupatui/emailpdf/mailtest"
	"coupatui/internal/testkit"
)

var shared = testkit.NewShared(launch, func(b *browser.Browser) error {
	defer os.RemoveAll(b.ProfileDir())
	return b.Close()
})

func TestMain(m *testing.M) { testkit.Main(m, shared) }

func launch(exe string) (*browser.Browser, error) {
	dir, err := os.MkdirTemp("", "emailpdf-test-")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := browser.Launch(ctx, browser.Options{ExecPath: exe, Headless: true, ProfileDir: dir})
	if err != nil {
		os.RemoveAll(dir)
	}
	return b, err
}

func chromium(t *testing.T) Printer {
	b := shared.Get(t)
	return PrinterFunc(func(ctx context.Context, html string) ([]byte, error) {
		return b.PrintPDF(ctx, html, browser.PDFOptions{})
	})
}

// fakePDF records the page it was given and answers a minimal PDF.
type fakePDF struct{ page string }

func (f *fakePDF) PrintPDF(_ context.Context, html string) ([]byte, error) {
	f.page = html
	return []byte("%PDF-1.4\n%%EOF\n"), nil
}

func writeSamples(t *testing.T, dir, tag string) (msg, eml string) {
	t.Helper()
	mail := mailtest.Sample(tag)
	msg = filepath.Join(dir, "RE Order "+tag+".msg")
	eml = filepath.Join(dir, "RE Order "+tag+".eml")
	b, err := mailtest.EML(mail)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(os.WriteFile(msg, mailtest.MSG(mail), 0o644), os.WriteFile(eml, b, 0o644)); err != nil {
		t.Fatal(err)
	}
	return msg, eml
}

func sha(b []byte) string { return fmt.Sprintf("%x", sha256.Sum256(b)) }

// Each e-mail gets its PDF beside it, named after the whole file, and its
// attachments (not the image its body shows) in <file>_attachments/.
func TestConvertWritesPDFAndAttachments(t *testing.T) {
	dir := t.TempDir()
	msg, eml := writeSamples(t, dir, "4711")
	mail := mailtest.Sample("4711")
	for _, src := range []string{msg, eml} {
		f := &fakePDF{}
		res, err := Convert(t.Context(), src, f)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if res.PDF != src+".pdf" {
			t.Errorf("PDF %s", res.PDF)
		}
		if _, err := os.Stat(src + ".pdf"); err != nil {
			t.Error(err)
		}
		if len(res.Attachments) != 2 {
			t.Fatalf("attachments %v", res.Attachments)
		}
		for i, f := range mail.Files {
			want := filepath.Join(src+"_attachments", f.Name)
			if res.Attachments[i] != want {
				t.Errorf("attachment %d at %s, want %s", i, res.Attachments[i], want)
			}
			b, err := os.ReadFile(want)
			if err != nil || sha(b) != sha(f.Data) {
				t.Errorf("%s: %v, content differs", want, err)
			}
		}
		if !strings.Contains(f.page, "data:image/png;base64,") || strings.Contains(f.page, "cid:") {
			t.Errorf("%s: the inline image is not a data: URL in the page", src)
		}
		left, _ := filepath.Glob(filepath.Join(dir, "*.part"))
		if len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}
}

// A file that is not what its extension says leaves no PDF and no
// attachments folder, and says why.
func TestConvertBrokenWritesNothing(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.msg")
	os.WriteFile(broken, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 truncated"), 0o644)
	_, err := Convert(t.Context(), broken, &fakePDF{})
	if err == nil || !strings.Contains(err.Error(), "not") {
		t.Fatalf("err %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in the folder: %v", entries)
	}
}

// Attachment names are sanitised like every downloaded file's, and two
// parts of the same name are both kept.
func TestConvertSanitisesAttachmentNames(t *testing.T) {
	dir := t.TempDir()
	mail := mailtest.Sample("1")
	mail.Files = []mailtest.File{
		{Name: "../../etc/passwd", ContentType: "text/plain", Data: []byte("a")},
		{Name: "CON.txt", ContentType: "text/plain", Data: []byte("b")},
		{Name: "same.txt", ContentType: "text/plain", Data: []byte("c")},
		{Name: "SAME.txt", ContentType: "text/plain", Data: []byte("d")},
	}
	src := filepath.Join(dir, "m.msg")
	os.WriteFile(src, mailtest.MSG(mail), 0o644)
	res, err := Convert(t.Context(), src, &fakePDF{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range res.Attachments {
		if filepath.Dir(a) != src+"_attachments" {
			t.Errorf("%s is outside the attachments folder", a)
		}
		names = append(names, filepath.Base(a))
	}
	want := []string{"etc_passwd", "_CON.txt", "same.txt", "SAME (2).txt"}
	if !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
}

// Printed by a real browser, the PDF holds the headers, the body and the
// inline image, and lists the attachments.
func TestConvertPrintsReadablePDF(t *testing.T) {
	p := chromium(t)
	dir := t.TempDir()
	msg, eml := writeSamples(t, dir, "4711")
	for _, src := range []string{msg, eml} {
		start := time.Now()
		res, err := Convert(t.Context(), src, p)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		t.Logf("%s converted in %s", filepath.Base(src), time.Since(start).Round(time.Millisecond))
		text := testkit.PDFText(t, res.PDF)
		for _, want := range []string{
			"From Ana Souza <ana.souza@supplier.example>",
			"To Procurement Team <procurement@buyer.example>; ap@buyer.example",
			"Cc Jörg Müller <joerg@buyer.example>",
			"Date Fri, 14 Mar 2025 09:26:53",
			"Subject RE: Order 4711 confirmed",
			"We confirm order 4711. Delivery in 3 weeks.",
			"Attachments (2)", "Order 4711 confirmation.pdf", "delivery notes.txt",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the PDF text lacks %q:\n%s", filepath.Base(src), want, text)
			}
		}
		if images := testkit.PDFImages(t, res.PDF); !slices.Contains(images, "37x23") {
			t.Errorf("%s: images %v, want the 37x23 inline one", filepath.Base(src), images)
		}
	}
}
