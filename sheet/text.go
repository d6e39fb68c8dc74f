package sheet

import (
	"strconv"
	"strings"

	"coupatui/vocab"
)

func itoa(i int) string { return strconv.Itoa(i) }

func quote(s string) string { return strconv.Quote(s) }

// quoteList renders cells for an error message, dropping blanks and
// capping the length so a wide sheet still gives a readable message.
func quoteList(cells []string) string {
	const max = 20
	var parts []string
	for _, c := range cells {
		if strings.TrimFunc(c, vocab.IsBlank) == "" {
			continue
		}
		if len(parts) == max {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, strconv.Quote(c))
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, ", ")
}

// onlyDigits reports whether s holds ASCII digits and nothing else.
func onlyDigits(s string) bool { return strings.TrimLeft(s, "0123456789") == "" }
