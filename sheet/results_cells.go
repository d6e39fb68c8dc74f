package sheet

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// How values are put into results cells, and how wide the columns are.

// carriedValue is how an input cell is written back: a number when Excel
// would show the number exactly as the text, else the text itself.
func carriedValue(s string, st resultStyles) any {
	if s == "" {
		return nil
	}
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

func textCells(cells []string) []any {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = nilIfEmpty(c)
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

func clampWidth(n int) float64 {
	return float64(min(max(n, minColWidth), maxColWidth))
}
