package vocab

import (
	"strconv"
	"strings"
	"unicode"
)

// MinPODigits is the fewest digits a PO number can have.
const MinPODigits = 6

// maxExponent bounds the exponent of a PO number that Excel stored as a
// float ("4.500000123E9"), so a hostile cell cannot ask for a huge string.
const maxExponent = 40

// ValidPO reports whether po is a normalised PO number: MinPODigits or
// more ASCII digits, nothing else.
func ValidPO(po string) bool {
	_, ok := allDigits(po)
	return ok
}

// NormalizePO turns a PO number written as text (a CSV cell, a text cell,
// a number typed in the console) into its digits.
//
// It trims spaces (non-breaking and zero-width ones included), strips a
// leading "PO" or "PM" in any case followed by any run of the separators
// "-", "_", "#", ".", ":" and spaces, and accepts what remains when it is 6
// or more ASCII digits. Leading zeros are kept. A whole number written with
// a decimal point ("4500000123.0") is accepted; the prefix is not allowed in
// front of such a form. A number in scientific notation ("4.5E+09") is
// refused: whoever wrote it as text had already rounded it, and the digits
// it shows may belong to another PO.
func NormalizePO(raw string) (po string, ok bool) {
	if po, ok := normalizeWritten(raw); ok {
		return po, true
	}
	s := strings.TrimFunc(raw, IsBlank)
	if isScientific(s) {
		return "", false
	}
	return wholeNumber(s)
}

// NumberCellPO is the PO number of a spreadsheet cell that stores a
// number: shown is the text Excel shows for it, stored the number as the
// file holds it. Shown text that is not plain digits ("4.50E+09",
// "4,500,000,123") gives the stored number, in whatever form the file
// writes it (scientific notation included: nothing was rounded); plain
// digits are kept as shown, zero padding from a "000000" format included,
// since that is what the operator sees.
func NumberCellPO(shown, stored string) (string, bool) {
	if po, ok := normalizeWritten(shown); ok {
		return po, true
	}
	v := strings.TrimFunc(stored, IsBlank)
	if po, ok := allDigits(v); ok {
		return po, true
	}
	return wholeNumber(v)
}

// InvalidPOProblem says why shown, the text of a PO cell, is no PO
// number, for the ERROR_MESSAGE of an INVALID_PO row.
func InvalidPOProblem(shown string) string {
	s := strings.TrimFunc(shown, IsBlank)
	switch {
	case s == "":
		return "the PO cell is blank"
	case isScientific(s):
		return "not a PO number: " + strconv.Quote(shown) + " is in scientific notation: the export wrote the number that way, " +
			"so digits may be lost and it may name another PO; export the PO column as text " +
			"(in Excel: select the column, Format Cells > Text, enter the numbers again, save), or give the .xlsx workbook itself"
	}
	return "not a PO number: " + strconv.Quote(shown) + " (expected " + strconv.Itoa(MinPODigits) + " or more digits, optionally after PO or PM)"
}

// IsBlank reports the spaces Excel users leave around values, including
// the non-breaking and zero-width ones that arrive with copy and paste.
func IsBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060'
}

// isScientific reports a number written in E-notation: "4.5E+09", "45e8".
func isScientific(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i == len(s)-1 {
		return false
	}
	mantissa, exp := s[:i], strings.TrimLeft(s[i+1:], "+-")
	intPart, frac, _ := strings.Cut(mantissa, ".")
	return exp != "" && onlyDigits(exp) && onlyDigits(intPart) && onlyDigits(frac) && intPart+frac != ""
}

// normalizeWritten is NormalizePO without the float forms: a PO written
// as digits, with or without its prefix.
func normalizeWritten(raw string) (string, bool) {
	s := strings.TrimFunc(raw, IsBlank)
	if hasPOPrefix(s) {
		return allDigits(strings.TrimLeftFunc(s[2:], isPOSeparator))
	}
	return allDigits(s)
}

// LonePOPrefix reports whether tok is a PO prefix and nothing more: "PO"
// or "PM" in any case, followed only by separators NormalizePO strips
// ("PO", "pm#", "PO-"). The add dialog joins such a token to the next.
func LonePOPrefix(tok string) bool {
	s := strings.TrimFunc(tok, IsBlank)
	return hasPOPrefix(s) && strings.TrimLeftFunc(s[2:], isPOSeparator) == ""
}

// hasPOPrefix reports whether s starts with "PO" or "PM" in any case.
func hasPOPrefix(s string) bool {
	return len(s) >= 2 && (s[0] == 'P' || s[0] == 'p') && strings.ContainsRune("OoMm", rune(s[1]))
}

func isPOSeparator(r rune) bool {
	return IsBlank(r) || strings.ContainsRune("-_#.:", r)
}

func allDigits(s string) (string, bool) {
	if len(s) < MinPODigits || !onlyDigits(s) {
		return "", false
	}
	return s, true
}

// wholeNumber accepts the decimal and scientific forms in which spreadsheet
// programs store whole numbers, working on the digits as text so no
// precision is lost: "4500000123.0", "4500000123.", "4.500000123E9",
// "4.500000123e+09", "4500000123000E-3".
func wholeNumber(s string) (string, bool) {
	mantissa, exp, hasExp := s, 0, false
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > maxExponent || e < -maxExponent {
			return "", false
		}
		mantissa, exp, hasExp = s[:i], e, true
	}
	intPart, fracPart, _ := strings.Cut(mantissa, ".")
	if intPart == "" || !onlyDigits(intPart) || !onlyDigits(fracPart) {
		return "", false
	}
	if !hasExp && !strings.Contains(mantissa, ".") {
		return "", false // plain digits were handled by allDigits
	}
	digits := intPart + fracPart
	point := len(intPart) + exp // position of the decimal point in digits
	if point < 0 {
		return "", false
	}
	var whole string
	if point >= len(digits) {
		whole = digits + strings.Repeat("0", point-len(digits))
	} else {
		if strings.Trim(digits[point:], "0") != "" {
			return "", false // a fraction: not a PO number
		}
		whole = digits[:point]
	}
	if hasExp {
		// A float rendering has no meaningful leading zeros ("0.45E7").
		whole = strings.TrimLeft(whole, "0")
	}
	return allDigits(whole)
}

func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
