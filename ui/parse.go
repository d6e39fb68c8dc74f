package ui

import (
	"strings"
	"unicode"

	"coupatui/vocab"
)

// parsePOList reads what the operator typed or pasted into the add dialog:
// PO numbers separated by spaces, commas, semicolons or new lines. A lone
// "PO" or "PM" joins the token after it ("PO 4500000123"). It returns the
// normalised numbers in order without duplicates, and the tokens that are
// not PO numbers.
func parsePOList(text string) (pos, invalid []string) {
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ';' || unicode.IsSpace(r)
	})
	seen := map[string]bool{}
	for i := 0; i < len(fields); i++ {
		tok := fields[i]
		if vocab.LonePOPrefix(tok) && i+1 < len(fields) {
			tok += fields[i+1]
			i++
		}
		po, ok := vocab.NormalizePO(tok)
		switch {
		case !ok:
			invalid = append(invalid, tok)
		case !seen[po]:
			seen[po] = true
			pos = append(pos, po)
		}
	}
	return pos, invalid
}
