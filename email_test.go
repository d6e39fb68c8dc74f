package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"coupatui/coupa/sim"
	"coupatui/emailpdf/mailtest"
	"coupatui/internal/testkit"
	"coupatui/sheet"
	"coupatui/vocab"
)

// The e-mails a run downloads become PDFs beside them, read back here as
// a reader would (pdftotext): the headers and the body are there, the
// e-mails' own attachments are on disk with their exact bytes, the PDFs
// count as no download, and a broken .msg leaves its PO COMPLETED with
// the reason in CONVERTED. `coupatui pdf` then does the same for e-mails
// already on disk.
func TestEmailsBecomePDFs(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	msgMail, emlMail := mailtest.Sample("4500710001"), mailtest.Sample("4500710002")
	broken := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 3000)...) // a compound file's magic, nothing behind it
	pos := []sim.PO{
		{ID: "4500710001", Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{
			{Name: "RE Order.msg", Content: mailtest.MSG(msgMail)}, {Name: "quote.pdf", Size: 3000}}},
		{ID: "4500710002", Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{
			{Name: "Approval.eml", Content: mailtest.MustEML(emlMail), Shape: sim.ShapeButton}}},
		{ID: "4500710003", Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{
			{Name: "broken.msg", Content: broken}, {Name: "terms.pdf", Size: 2000}}},
	}
	srv := sim.Start(t, sim.Options{POs: pos})
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte("PO_NUMBER\n4500710001\n4500710002\n4500710003\n"), 0o600)
	out := filepath.Join(dir, "out")
	a := runApp(t, dir, 3*time.Minute, "--no-tui", "--workers", "2", "--out", out, "--base-url", srv.URL(), input)
	if a.code != exitOK {
		t.Fatalf("exit %d\n%s", a.code, a.stderr.String())
	}

	folder := func(po string) string { return filepath.Join(out, "Acme", "PO"+po+"_COMPLETED") }
	check := func(pdf string, m mailtest.Mail, tag string) {
		t.Helper()
		text := testkit.PDFText(t, pdf)
		for _, want := range []string{
			"From Ana Souza <ana.souza@supplier.example>",
			"To Procurement Team <procurement@buyer.example>; ap@buyer.example",
			"Cc Jörg Müller <joerg@buyer.example>",
			"Date Fri, 14 Mar 2025 09:26:53 UTC",
			"Subject RE: Order " + tag + " confirmed",
			"We confirm order " + tag + ". Delivery in 3 weeks.",
			"Attachments (2)",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", filepath.Base(pdf), want, text)
			}
		}
		if images := testkit.PDFImages(t, pdf); !slices.Contains(images, "37x23") {
			t.Errorf("%s: images %v, want the inline 37x23 one", filepath.Base(pdf), images)
		}
		// The e-mail's own attachments, by hash.
		for _, f := range m.Files {
			path := filepath.Join(strings.TrimSuffix(pdf, ".pdf")+"_attachments", f.Name)
			if got, want := hashFile(t, path), fmt.Sprintf("%x", sha256.Sum256(f.Data)); got != want {
				t.Errorf("%s: sha256 %s, want %s", path, got, want)
			}
		}
	}
	check(filepath.Join(folder("4500710001"), "RE Order.msg.pdf"), msgMail, "4500710001")
	check(filepath.Join(folder("4500710002"), "Approval.eml.pdf"), emlMail, "4500710002")
	// The e-mails themselves are untouched.
	for _, f := range srv.Expected("4500710001") {
		if got := hashFile(t, filepath.Join(folder("4500710001"), f.Name)); got != f.SHA256 {
			t.Errorf("%s changed on disk", f.Name)
		}
	}
	if _, err := os.Stat(filepath.Join(folder("4500710003"), "broken.msg.pdf")); err == nil {
		t.Error("the broken .msg got a PDF")
	}

	res, err := sheet.ReadResults(filepath.Join(dir, "pos_results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]sheet.Outcome{}
	for _, r := range res.Rows {
		got[r.PO] = r.Outcome
	}
	if o := got["4500710001"]; o.Status != "COMPLETED" || o.Downloaded != 2 || strings.Join(o.Converted, "|") != "RE Order.msg.pdf" {
		t.Errorf("PO 4500710001: %s, %d downloaded, CONVERTED %q", o.Status, o.Downloaded, o.Converted)
	}
	if o := got["4500710002"]; o.Status != "COMPLETED" || o.Downloaded != 1 || strings.Join(o.Converted, "|") != "Approval.eml.pdf" {
		t.Errorf("PO 4500710002: %s, %d downloaded, CONVERTED %q", o.Status, o.Downloaded, o.Converted)
	}
	o := got["4500710003"]
	if o.Status != "COMPLETED" || o.Downloaded != 2 || o.Error != "" || len(o.Converted) != 1 ||
		!strings.HasPrefix(o.Converted[0], "broken.msg: not converted: not an Outlook message") {
		t.Errorf("PO 4500710003: %s, %d downloaded, error %q, CONVERTED %q", o.Status, o.Downloaded, o.Error, o.Converted)
	}

	// `coupatui pdf` on the e-mails already on disk: the PDFs come back,
	// the broken one is named with its reason, and the exit code says so.
	for _, pdf := range []string{filepath.Join(folder("4500710001"), "RE Order.msg.pdf"), filepath.Join(folder("4500710002"), "Approval.eml.pdf")} {
		os.Remove(pdf)
	}
	a = runApp(t, dir, 2*time.Minute, "pdf", out)
	stdout := a.stdout.String()
	if a.code != exitFatal || !strings.Contains(stdout, "3 e-mails: 2 converted, 1 not converted") ||
		!strings.Contains(stdout, "not converted  Acme/PO4500710003_COMPLETED/broken.msg: not an Outlook message") ||
		!strings.Contains(a.stderr.String(), "1 of 3 e-mails could not be converted") {
		t.Errorf("pdf: exit %d\n%s%s", a.code, stdout, a.stderr.String())
	}
	check(filepath.Join(folder("4500710001"), "RE Order.msg.pdf"), msgMail, "4500710001")
	check(filepath.Join(folder("4500710002"), "Approval.eml.pdf"), emlMail, "4500710002")

	a = runApp(t, dir, time.Minute, "pdf", filepath.Join(dir, "nowhere"))
	if a.code != exitFatal || !strings.Contains(a.stderr.String(), "nowhere") {
		t.Errorf("pdf of a missing folder: exit %d, %q", a.code, a.stderr.String())
	}
}
