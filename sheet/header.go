package sheet

import (
	"strings"

	"coupatui/vocab"
)

// HierarchyMarker is the header of the column after which every column is a
// folder hierarchy level.
const HierarchyMarker = "<|>"

// poHeaderKeys are the accepted PO column headers after headerKey; the
// first is preferred when several columns match.
var poHeaderKeys = []string{"ponumber", "po", "pono", "ponum", "po#", "purchaseordernumber", "purchaseorder"}

// acceptedPONames is how error messages spell the accepted headers.
const acceptedPONames = `PO_NUMBER (also accepted: PO, PO Number, PO No, PO #, Purchase Order; case, spaces, "-", "_" and "." ignored)`

// headerKey folds a header for matching: lower case, without spaces
// (non-breaking ones too), "-", "_" and ".".
func headerKey(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if vocab.IsBlank(r) || r == '-' || r == '_' || r == '.' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// layout is where the columns that mean something to us sit in a header
// row; -1 when absent.
type layout struct {
	po        int
	priority  int
	hierarchy int // index of the marker column; levels follow it
}

// findLayout locates the PO, PRIORITY and hierarchy marker columns of a
// header row. ok is false when the row has no PO column. Columns after the
// marker are hierarchy levels and are never taken for anything else.
func findLayout(header []string) (l layout, ok bool) {
	l = layout{po: -1, priority: -1, hierarchy: -1}
	end := len(header)
	for i, h := range header {
		if strings.TrimFunc(h, vocab.IsBlank) == HierarchyMarker {
			l.hierarchy, end = i, i
			break
		}
	}
	best := len(poHeaderKeys)
	for i, h := range header[:end] {
		k := headerKey(h)
		for rank, want := range poHeaderKeys {
			if k == want && rank < best {
				l.po, best = i, rank
			}
		}
		if k == "priority" && l.priority < 0 {
			l.priority = i
		}
	}
	return l, l.po >= 0
}
