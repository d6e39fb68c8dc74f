package sheet

import (
	"sort"
	"strings"
)

// Priorities a PRIORITY cell may hold, lower case.
const (
	PriorityUrgent = "urgent"
	PriorityHigh   = "high"
	PriorityNormal = "normal"
	PriorityLow    = "low"
)

// Input is one input file, read whole. It is not modified after Read
// returns, so any goroutine may read it.
type Input struct {
	Path      string
	Sheet     string     // sheet name read ("" for CSV)
	Columns   []string   // the input's own header cells, in order, as written
	HeaderRow int        // 1-based sheet row of the header (CSV: row as a spreadsheet program shows it)
	POColumn  int        // index in Columns of the PO column
	Preamble  []Preamble // non-blank rows above the header, carried into the results
	Rows      []Row      // every non-blank data row, in order
}

// Preamble is a row above the header (a title, a note), kept so the
// results repeat the input row for row.
type Preamble struct {
	SheetRow int
	Cells    []string
}

// Row is one data row of the input.
type Row struct {
	Line        int      // 1-based distance below the header: sheet row HeaderRow+Line; stable id
	Raw         string   // the PO cell as written (as displayed, for .xlsx)
	PO          string   // normalised digits; "" when invalid
	Invalid     bool     // INVALID_PO: never fetched
	DuplicateOf int      // Line of the first row with the same PO, 0 when not a duplicate
	Priority    string   // "urgent", "high", "normal", "low"; "" when absent or blank
	Hierarchy   []string // non-blank cells after the HierarchyMarker column, trimmed
	Cells       []string // every input cell, in Columns order, untouched
	Warning     string   // something the operator should know, e.g. an unknown priority
}

// POs returns the rows to fetch: valid, first occurrences, in input order.
func (in *Input) POs() []Row {
	out := make([]Row, 0, len(in.Rows))
	for _, r := range in.Rows {
		if !r.Invalid && r.DuplicateOf == 0 {
			out = append(out, r)
		}
	}
	return out
}

// Row returns the row with the given Line.
func (in *Input) Row(line int) (Row, bool) {
	i := sort.Search(len(in.Rows), func(i int) bool { return in.Rows[i].Line >= line })
	if i < len(in.Rows) && in.Rows[i].Line == line {
		return in.Rows[i], true
	}
	return Row{}, false
}

// Append adds a row for a PO that is not in the file (one added while the
// run goes on), after the last row, and returns its Line. Call it only
// once no other goroutine reads in.
func (in *Input) Append(po string) int {
	line := 1
	if n := len(in.Rows); n > 0 {
		line = in.Rows[n-1].Line + 1
	}
	cells := make([]string, len(in.Columns))
	cells[in.POColumn] = po
	in.Rows = append(in.Rows, Row{Line: line, Raw: po, PO: po, Cells: cells})
	return line
}

// SheetRow is the 1-based sheet row of a Line, in the input and in the
// results alike.
func (in *Input) SheetRow(line int) int { return in.HeaderRow + line }

// maxHeaderSearch is how many non-blank rows may precede the header (titles,
// notes) before the input is declared to have no PO column.
const maxHeaderSearch = 10

// builder turns the rows of one sheet or CSV file, fed in order, into an
// Input. It is used by one goroutine.
type builder struct {
	in       Input
	lay      layout
	found    bool       // the header row has been seen
	before   []Preamble // non-blank rows seen before the header
	poSource map[int]string
}

func newBuilder(path, sheet string) *builder {
	return &builder{in: Input{Path: path, Sheet: sheet}}
}

// add takes one sheet row; it keeps cells, so the caller must not reuse
// the slice. It returns an error when no header shows up in time.
func (b *builder) add(sheetRow int, cells []string) error {
	if isBlankRow(cells) {
		return nil
	}
	if b.found {
		b.in.Rows = append(b.in.Rows, Row{Line: sheetRow - b.in.HeaderRow, Cells: cells})
		if len(cells) > len(b.in.Columns) {
			b.in.Columns = append(b.in.Columns, make([]string, len(cells)-len(b.in.Columns))...)
		}
		return nil
	}
	if lay, ok := findLayout(cells); ok {
		b.found, b.lay = true, lay
		b.in.HeaderRow, b.in.Columns, b.in.POColumn = sheetRow, cells, lay.po
		b.in.Preamble = b.before
		return nil
	}
	b.before = append(b.before, Preamble{SheetRow: sheetRow, Cells: cells})
	if len(b.before) >= maxHeaderSearch {
		return b.noPOColumn()
	}
	return nil
}

// setPOSource makes the PO of the row at index i come from value rather
// than from the displayed cell (the raw number behind a formatted cell).
func (b *builder) setPOSource(i int, value string) {
	if b.poSource == nil {
		b.poSource = make(map[int]string)
	}
	b.poSource[i] = value
}

func (b *builder) noPOColumn() error {
	where := "the file"
	if b.in.Sheet != "" {
		where = "sheet " + quote(b.in.Sheet)
	}
	if len(b.before) == 0 {
		return inputError(b.in.Path, ErrEmpty, nil, where+" is empty: put a header row with a PO_NUMBER column and one PO number per row")
	}
	first := b.before[0]
	hint := "name the column holding the PO numbers "
	for _, c := range first.Cells {
		if _, ok := NormalizePO(c); ok {
			hint = "the first row already holds a PO number: insert a header row above it and name the column "
			break
		}
	}
	return inputError(b.in.Path, ErrNoPOColumn, nil,
		"headers found in row "+itoa(first.SheetRow)+" of "+where+": "+quoteList(first.Cells)+"; "+hint+acceptedPONames)
}

// finish checks that data was found and works out each row's PO,
// duplicates, priority and hierarchy.
func (b *builder) finish() (*Input, error) {
	if !b.found {
		return nil, b.noPOColumn()
	}
	in := &b.in
	if len(in.Rows) == 0 {
		where := "the file"
		if in.Sheet != "" {
			where = "sheet " + quote(in.Sheet)
		}
		return nil, inputError(in.Path, ErrEmpty, nil,
			where+" has a header row (row "+itoa(in.HeaderRow)+") but no rows under it: add one PO number per row")
	}
	first := make(map[string]int, len(in.Rows))
	for i := range in.Rows {
		r := &in.Rows[i]
		if len(r.Cells) < len(in.Columns) {
			r.Cells = append(r.Cells, make([]string, len(in.Columns)-len(r.Cells))...)
		}
		r.Raw = r.Cells[b.lay.po]
		source, ok := b.poSource[i]
		if !ok {
			source = r.Raw
		}
		if po, ok := NormalizePO(source); ok {
			r.PO = po
			if line, seen := first[po]; seen {
				r.DuplicateOf = line
			} else {
				first[po] = r.Line
			}
		} else {
			r.Invalid = true
		}
		if b.lay.priority >= 0 {
			r.Priority, r.Warning = parsePriority(r.Cells[b.lay.priority])
		}
		if b.lay.hierarchy >= 0 {
			r.Hierarchy = nonBlank(r.Cells[b.lay.hierarchy+1:])
		}
	}
	return in, nil
}

// parsePriority reads a PRIORITY cell. An unknown word is not worth
// refusing the whole file for: the row runs at normal priority and says so.
func parsePriority(cell string) (priority, warning string) {
	p := strings.ToLower(strings.TrimFunc(cell, isBlank))
	switch p {
	case "", PriorityUrgent, PriorityHigh, PriorityNormal, PriorityLow:
		return p, ""
	}
	return PriorityNormal, "unknown PRIORITY " + quote(cell) + " (use urgent, high, normal or low): treated as normal"
}

func nonBlank(cells []string) []string {
	var out []string
	for _, c := range cells {
		if c = strings.TrimFunc(c, isBlank); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func isBlankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimFunc(c, isBlank) != "" {
			return false
		}
	}
	return true
}
