package testkit

import (
	"os/exec"
	"strings"
	"testing"
)

// PDFText returns the text of the PDF at path as poppler's pdftotext reads
// it (-layout: each line as printed, so a table row stays one line;
// runs of spaces and line breaks become one space), so a test checks
// what a reader of the PDF sees. It skips tb when pdftotext is not
// installed, saying how to install it, and fails tb when it cannot read
// the file.
func PDFText(tb testing.TB, path string) string {
	tb.Helper()
	exe, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Skip("pdftotext not found; install it to run this test: apt-get install -y poppler-utils")
	}
	out, err := exec.Command(exe, "-layout", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext %s: %v\n%s", path, err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// PDFImages lists the images drawn in the PDF at path as "WxH" in
// pixels (poppler's pdfimages -list; soft masks left out), skipping tb as
// PDFText does when poppler is missing.
func PDFImages(tb testing.TB, path string) []string {
	tb.Helper()
	exe, err := exec.LookPath("pdfimages")
	if err != nil {
		tb.Skip("pdfimages not found; install it to run this test: apt-get install -y poppler-utils")
	}
	out, err := exec.Command(exe, "-list", path).CombinedOutput()
	if err != nil {
		tb.Fatalf("pdfimages -list %s: %v\n%s", path, err, out)
	}
	var images []string
	for _, line := range strings.Split(string(out), "\n") {
		// page num type width height ...
		if f := strings.Fields(line); len(f) > 4 && f[2] == "image" {
			images = append(images, f[3]+"x"+f[4])
		}
	}
	return images
}
