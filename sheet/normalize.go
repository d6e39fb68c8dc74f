package sheet

import "coupatui/vocab"

// poOf is the PO number of a row: the PO cell as Excel shows it (shown)
// and as stored (see vocab.NumberCellPO for a number cell).
func poOf(shown string, stored Cell) (string, bool) {
	if stored.Kind == Number {
		return vocab.NumberCellPO(shown, stored.Value)
	}
	return vocab.NormalizePO(shown)
}
