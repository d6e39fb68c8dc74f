package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// csvDelimiters are the separators detected, in order of preference on a tie.
var csvDelimiters = []rune{',', ';', '\t'}

// readCSV reads CSV bytes. Rows are numbered like a spreadsheet program
// numbers them when it opens the file: one row per record, blank lines
// included, a quoted multi-line cell being one row.
func readCSV(path string, data []byte) (*Input, error) {
	switch {
	case len(data) == 0:
		return nil, inputError(path, ErrEmpty, nil, "the file is empty (0 bytes): save the PO list into it again")
	case bytes.HasPrefix(data, zipMagic):
		return nil, inputError(path, ErrCorrupt, nil, "it is an Excel workbook with a .csv name: name it .xlsx")
	case bytes.HasPrefix(data, oleMagic):
		return nil, inputError(path, ErrCorrupt, nil, "it is an Excel 97-2003 or password protected workbook, not a CSV file: save an unprotected copy as .xlsx or .csv")
	}
	text := decodeText(data)
	if strings.IndexByte(text, 0) >= 0 {
		return nil, inputError(path, ErrCorrupt, nil, "it holds binary data, not text: export the PO list as CSV or .xlsx again")
	}
	if !strings.Contains(text, "\n") {
		text = strings.ReplaceAll(text, "\r", "\n") // classic Mac line ends
	}
	r := newCSVReader(text, detectDelimiter(text))
	b := newBuilder(path, "")
	row, lastLine := 0, 0 // sheet row of the record; last text line it used
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, inputError(path, ErrCorrupt, err, "cannot parse it as CSV ("+err.Error()+"): export the PO list as CSV again")
		}
		line, _ := r.FieldPos(0)
		if gap := line - lastLine - 1; gap > 0 {
			row += gap // blank lines, which encoding/csv skips, are rows too
		}
		row++
		lastLine = line
		for _, field := range rec {
			lastLine += strings.Count(field, "\n")
		}
		if n := width(rec); n > maxInputColumns {
			return nil, b.tooWide(row, n)
		}
		if err := b.add(row, textCells(rec)); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

// width is the number of fields up to the last non-empty one.
func width(rec []string) int {
	n := len(rec)
	for n > 0 && rec[n-1] == "" {
		n--
	}
	return n
}

func newCSVReader(text string, delim rune) *csv.Reader {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	return r
}

// decodeText turns file bytes into text: UTF-8 (a BOM is dropped), UTF-16
// with a BOM (Excel's "Unicode text"), else Windows-1252, the encoding
// Excel uses for "CSV" on western Windows.
func decodeText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		if out, err := dec.Bytes(data); err == nil {
			return string(out)
		}
	}
	if utf8.Valid(data) {
		return string(data)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return string(out)
}

// detectDelimiter picks the separator under which the first rows hold a
// PO header, the widest such header winning; failing that, the one that
// splits the first rows most. Quotes are respected throughout.
func detectDelimiter(text string) rune {
	const sample = maxHeaderSearch
	best, bestScore := csvDelimiters[0], [3]int{-1}
	for _, d := range csvDelimiters {
		r := newCSVReader(text, d)
		var score [3]int // header found, header width, separators seen
		for n, records := 0, 0; n < sample && records < 10*sample; records++ {
			rec, err := r.Read()
			if err != nil {
				break // EOF, or text this delimiter cannot parse: keep what we have
			}
			score[2] += len(rec) - 1
			if isBlankTexts(rec) {
				continue
			}
			n++
			if score[0] == 0 {
				if _, ok := findLayout(rec); ok {
					score[0], score[1] = 1, len(rec)
				}
			}
		}
		if greater(score, bestScore) {
			best, bestScore = d, score
		}
	}
	return best
}

func greater(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return false
}
