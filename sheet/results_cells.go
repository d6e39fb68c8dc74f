package sheet

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// How values are put into results cells, and how wide the columns are.

// carriedValue is how an input cell is written back: with its stored
// type and number format. A cell without a type (CSV) is written as a
// number when Excel would show the number exactly as the text, else as the
// text itself.
func carriedValue(c Cell, st *resultStyles) any {
	if c.Value == "" {
		return nil
	}
	switch c.Kind {
	case Untyped:
		return guessedValue(c.Value, st)
	case Number:
		v, err := strconv.ParseFloat(c.Value, 64)
		if err != nil {
			return c.Value
		}
		if c.Format == nil {
			return v
		}
		return excelize.Cell{StyleID: st.numFormat(*c.Format), Value: v}
	case Bool:
		return c.Value == "1"
	case Date:
		t, ok := parseISODate(c.Value)
		if !ok {
			return c.Value
		}
		style := st.dateTime
		if c.Format != nil {
			style = st.numFormat(*c.Format)
		}
		return excelize.Cell{StyleID: style, Value: t}
	}
	return c.Value // Text and Error
}

// guessedValue types a text from a file without types.
func guessedValue(s string, st *resultStyles) any {
	if isPlainInteger(s) {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return excelize.Cell{StyleID: st.integer, Value: n}
		}
	}
	if isPlainDecimal(s) {
		if v, err := strconv.ParseFloat(s, 64); err == nil && strconv.FormatFloat(v, 'f', -1, 64) == s {
			return v
		}
	}
	return s
}

// parseISODate reads the ISO 8601 text of a date cell (t="d") in the forms
// excelize reads.
func parseISODate(s string) (time.Time, bool) {
	s = strings.ReplaceAll(s, ",", ".")
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05Z",
		"20060102T150405.999", "20060102T150405Z", "2006-01-02", "15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isPlainInteger: optional "-", no leading zero, at most 15 digits (the
// precision of an Excel number).
func isPlainInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if len(s) == 0 || len(s) > 15 || (s[0] == '0' && len(s) > 1) {
		return false
	}
	return onlyDigits(s)
}

// isPlainDecimal: optional "-", digits, ".", digits, no leading zero before
// the point except a lone one, at most 15 significant digits.
func isPlainDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, ok := strings.Cut(s, ".")
	if !ok || intPart == "" || frac == "" || !onlyDigits(intPart) || !onlyDigits(frac) {
		return false
	}
	if intPart[0] == '0' && len(intPart) > 1 {
		return false
	}
	return len(strings.TrimLeft(intPart+frac, "0")) <= 15
}

// textValues are texts as row values for excelize.
func textValues(cells []string) []any {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = nilIfEmpty(c)
	}
	return out
}

func carriedValues(cells Cells, st *resultStyles) []any {
	out := make([]any, cells.Len())
	for col, c := range cells.All() {
		out[col] = carriedValue(c, st)
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// widths sizes columns to their content, within bounds a screen can show.
type widths []float64

const (
	minColWidth = 8
	maxColWidth = 60
)

func newWidths(header []string) widths {
	w := make(widths, len(header))
	for i, h := range header {
		w[i] = clampWidth(utf8.RuneCountInString(h) + 3) // room for the filter button
	}
	return w
}

func (w widths) measure(cells []any) {
	for i, c := range cells {
		if cell, ok := c.(excelize.Cell); ok {
			c = cell.Value
		}
		var n int
		switch v := c.(type) {
		case nil:
			continue
		case string:
			n = utf8.RuneCountInString(v)
		case time.Time:
			n = len("2006-01-02 15:04:05")
		case int:
			n = len(strconv.Itoa(v))
		case int64:
			n = len(strconv.FormatInt(v, 10))
		case float64:
			n = len(strconv.FormatFloat(v, 'f', -1, 64))
		}
		if cw := clampWidth(n + 1); cw > w[i] {
			w[i] = cw
		}
	}
}

// widthRun is a range of columns (1-based, inclusive) of one width.
type widthRun struct {
	from, to int
	width    float64
}

// maxWidthRuns bounds the column ranges given a width: excelize's cost per
// range grows with the ranges already set, and a sheet of 16,000 columns
// of changing widths would take minutes. Columns past them keep Excel's
// default width.
const maxWidthRuns = 1000

// runs groups neighbouring columns of the same width.
func (w widths) runs() []widthRun {
	var out []widthRun
	for i, width := range w {
		if n := len(out); n > 0 && out[n-1].width == width {
			out[n-1].to = i + 1
			continue
		}
		if len(out) == maxWidthRuns {
			break
		}
		out = append(out, widthRun{i + 1, i + 1, width})
	}
	return out
}

func clampWidth(n int) float64 {
	return float64(min(max(n, minColWidth), maxColWidth))
}
