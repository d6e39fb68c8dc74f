package sheet

import (
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"coupatui/vocab"

	"github.com/xuri/excelize/v2"
)

// Shades of the STATUS cells, Excel's own Good, Bad and Neutral: the word
// stays, the colour only helps the eye.
var statusShades = map[string]struct{ fill, font string }{
	"good":    {"C6EFCE", "006100"},
	"bad":     {"FFC7CE", "9C0006"},
	"neutral": {"FFEB9C", "9C5700"},
}

// statusShade is the shade of a status word by its outcome: Coupa's
// answer that the PO is not there or not ours is neutral, as the console
// shows it apart from failures. "" for a word it does not know.
func statusShade(status vocab.Status) string {
	if !slices.Contains(vocab.Statuses, status) {
		return ""
	}
	switch status.Outcome() {
	case vocab.OutcomeOK:
		return "good"
	case vocab.OutcomeFailed:
		return "bad"
	}
	return "neutral" // not found, invalid, cancelled, pending
}

// maxLinkLen is the longest target Excel's HYPERLINK takes.
const maxLinkLen = 255

// dress gives a results row its looks: STATUS shaded by outcome, and
// DOWNLOAD_FOLDER and COUPA_URL clickable. Links are HYPERLINK formulas
// whose cached value is the plain text, so every reader (ours included)
// reads the text: sheet hyperlinks would cost excelize O(rows) each and
// Excel allows 65,530 of them a sheet. A target too long for HYPERLINK,
// or not a file path or http(s) URL, stays plain text. It changes no text,
// so the columns are measured without it.
func (s *resultStyles) dress(p columnPlan, cells []any) []any {
	if i := p.result[1]; i < len(cells) {
		if word, ok := cells[i].(string); ok {
			if id := s.statusStyle(vocab.Status(word)); id != 0 {
				cells[i] = excelize.Cell{StyleID: id, Value: word}
			}
		}
	}
	if i := p.result[8]; i < len(cells) {
		if folder, ok := cells[i].(string); ok && filepath.IsAbs(folder) {
			cells[i] = s.link(fileURL(folder), folder)
		}
	}
	if i := p.result[9]; i < len(cells) {
		if u, ok := cells[i].(string); ok && (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) {
			cells[i] = s.link(u, u)
		}
	}
	return cells
}

// link is a cell that opens target and shows text.
func (s *resultStyles) link(target, text string) any {
	if len(target) > maxLinkLen || len(text) > maxLinkLen || strings.ContainsAny(target+text, "\r\n") {
		return text
	}
	q := func(v string) string { return `"` + strings.ReplaceAll(v, `"`, `""`) + `"` }
	return excelize.Cell{StyleID: s.linkStyle(), Formula: "HYPERLINK(" + q(target) + "," + q(text) + ")", Value: text}
}

// fileURL is the file: URL of an absolute path (C:\x becomes file:///C:/x).
func fileURL(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// statusStyle is the style of a STATUS cell showing word; 0 (none) for a
// word without a shade, or when the workbook cannot hold the style.
func (s *resultStyles) statusStyle(word vocab.Status) int {
	shade := statusShade(word)
	if shade == "" {
		return 0
	}
	if id, ok := s.status[shade]; ok {
		return id
	}
	c := statusShades[shade]
	id, err := s.f.NewStyle(&excelize.Style{
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.fill}},
		Font: &excelize.Font{Color: c.font},
	})
	if err != nil {
		id = 0
	}
	if s.status == nil {
		s.status = map[string]int{}
	}
	s.status[shade] = id
	return id
}

// linkStyle is the look of a link: blue and underlined, as Excel's own.
func (s *resultStyles) linkStyle() int {
	if s.linkID == 0 {
		id, err := s.f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "0563C1", Underline: "single"}})
		if err == nil {
			s.linkID = id
		}
	}
	return s.linkID
}
