package emailpdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coupatui/browser"
	"coupatui/internal/atomicfile"
)

// MaxEmailBytes is the largest e-mail file converted: the whole file and
// its rendered page are held in memory.
const MaxEmailBytes = 100 << 20

// Printer prints a self-contained HTML page as a PDF; the pool (a tab of
// one of its browsers) and a local browser of `coupatui pdf` are printers.
type Printer interface {
	PrintPDF(ctx context.Context, html string) ([]byte, error)
}

// PrinterFunc adapts a function to Printer.
type PrinterFunc func(ctx context.Context, html string) ([]byte, error)

// PrintPDF implements Printer.
func (f PrinterFunc) PrintPDF(ctx context.Context, html string) ([]byte, error) { return f(ctx, html) }

// Result is what one conversion wrote.
type Result struct {
	Source      string        // the e-mail file
	PDF         string        // the PDF beside it
	Attachments []string      // the e-mail's attachments, written into AttachmentsDir
	Elapsed     time.Duration // reading, printing and writing
}

// Convert reads the e-mail file at path (.msg or .eml), has p print it,
// and writes the PDF beside it (PDFName) and its attachments into
// AttachmentsDir. It writes nothing until the PDF is printed, and every
// file it writes is complete or absent (written under a temporary name,
// then renamed); the e-mail file itself is never touched. An error says
// why the file could not be converted.
func Convert(ctx context.Context, path string, p Printer) (Result, error) {
	start := time.Now()
	res := Result{Source: path}
	m, err := Read(path)
	if err != nil {
		return res, err
	}
	dir, base := filepath.Split(path)
	folder := AttachmentsDir(base)
	plan := planParts(m)

	page := renderPage(m, base, folder, plan.listed, plan.inline)
	pdf, err := p.PrintPDF(ctx, page)
	if err != nil {
		return res, err
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return res, errors.New("the browser did not return a PDF")
	}

	if len(plan.files) > 0 {
		adir := filepath.Join(dir, folder)
		if err := os.MkdirAll(adir, 0o755); err != nil {
			return res, fmt.Errorf("attachments folder: %w", err)
		}
		for i, f := range plan.files {
			out := filepath.Join(adir, plan.listed[i].Name)
			if err := atomicfile.WriteFile(out, f.Data, 0o644); err != nil {
				return res, err
			}
			res.Attachments = append(res.Attachments, out)
		}
	}
	res.PDF = filepath.Join(dir, PDFName(base))
	if err := atomicfile.WriteFile(res.PDF, pdf, 0o644); err != nil {
		res.PDF = ""
		return res, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// Read parses the e-mail file at path by its extension.
func Read(path string) (*Message, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > MaxEmailBytes {
		return nil, fmt.Errorf("%d MB: larger than the %d MB converted", fi.Size()>>20, MaxEmailBytes>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".msg":
		return ParseMSG(data)
	case ".eml":
		return ParseEML(data)
	}
	return nil, fmt.Errorf("%s is not an e-mail file (.msg or .eml)", filepath.Base(path))
}

// partPlan says which parts the body shows (inline, as data: URLs) and
// which are extracted as attachments, under which names.
type partPlan struct {
	inline map[string]string // lower-cased content id or name → data: URL
	files  []Part            // extracted, in order
	listed []listed          // the same, as saved and listed
}

func planParts(m *Message) partPlan {
	plan := partPlan{inline: map[string]string{}}
	html := strings.ToLower(m.HTML)
	taken := map[string]bool{}
	for i, p := range m.Parts {
		if p.ContentType == "" {
			p.ContentType = http.DetectContentType(p.Data)
			if ct, _, ok := strings.Cut(p.ContentType, ";"); ok {
				p.ContentType = ct
			}
		}
		shown := false
		if m.HTML != "" && strings.HasPrefix(strings.ToLower(p.ContentType), "image/") {
			cid := strings.ToLower(p.ContentID)
			if cid != "" && strings.Contains(html, "cid:"+cid) {
				plan.inline[cid] = dataURL(p.ContentType, p.Data)
				shown = true
			}
			if name := strings.ToLower(p.Name); p.Inline && name != "" && strings.Contains(html, name) {
				plan.inline[name] = dataURL(p.ContentType, p.Data)
				shown = true
			}
		}
		if shown {
			continue
		}
		name := uniqueName(partName(p, i), taken)
		plan.files = append(plan.files, p)
		plan.listed = append(plan.listed, listed{Name: name, Original: p.Name, Type: p.ContentType, Size: len(p.Data)})
	}
	return plan
}

// partName is the sanitised name a part is saved under:
// its own, else attachment-N with an extension from its type.
func partName(p Part, i int) string {
	if name := browser.SanitizeFileName(p.Name); name != "" {
		return name
	}
	return fmt.Sprintf("attachment-%d%s", i+1, typeExts[strings.ToLower(p.ContentType)])
}

// typeExts names the types e-mails usually carry unnamed; a fixed table,
// so names do not depend on the host's mime database.
var typeExts = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf",
	"text/plain": ".txt", "text/html": ".html", "text/calendar": ".ics", "message/rfc822": ".eml",
}

// uniqueName is name, or the first free "name (N).ext", case-insensitively.
func uniqueName(name string, taken map[string]bool) string {
	ext := filepath.Ext(name)
	if len(ext) > 16 || ext == name {
		ext = ""
	}
	stem := strings.TrimSuffix(name, ext)
	candidate := name
	for n := 2; taken[strings.ToLower(candidate)]; n++ {
		candidate = fmt.Sprintf("%s (%d)%s", stem, n, ext)
	}
	taken[strings.ToLower(candidate)] = true
	return candidate
}
