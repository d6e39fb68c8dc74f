package sheet

import (
	"slices"
	"sort"
	"strings"

	"coupatui/vocab"
)

// Input is one input file, read whole. It is not modified after Read
// returns, so any goroutine may read it.
type Input struct {
	Path      string
	Sheet     string     // sheet name read ("" for CSV)
	Columns   []string   // the input's own header cells, in order, as Excel shows them
	HeaderRow int        // 1-based sheet row of the header (CSV: row as a spreadsheet program shows it)
	POColumn  int        // index in Columns of the PO column
	Preamble  []Preamble // non-blank rows above the header, carried into the results
	Rows      []Row      // every non-blank data row, in order
	Date1904  bool       // the workbook counts dates from 1904: its date cells are numbers in that system
}

// Preamble is a row above the header (a title, a note), kept so the
// results repeat the input row for row.
type Preamble struct {
	SheetRow int
	Cells    Cells
}

// Row is one data row of the input.
type Row struct {
	Line        int            // 1-based distance below the header: sheet row HeaderRow+Line; stable id
	Raw         string         // the PO cell as written (as Excel shows it, for .xlsx)
	PO          string         // normalised digits; "" when invalid
	Invalid     bool           // INVALID_PO: never fetched
	Problem     string         // why the row is INVALID_PO
	DuplicateOf int            // Line of the first row with the same PO, 0 when not a duplicate
	Priority    vocab.Priority // from the PRIORITY column; Normal when absent or blank
	Hierarchy   []string       // folder levels: the cells after the HierarchyMarker column as Excel shows them, trimmed, blanks dropped; a merged cell counts for every row it covers
	Cells       Cells          // every input cell, in Columns order, as stored
	Warning     string         // something the operator should know, e.g. an unknown priority
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
	var p cellPacker
	p.add(in.POColumn, po, Untyped, 0)
	in.Rows = append(in.Rows, Row{Line: line, Raw: po, PO: po, Priority: vocab.Normal, Cells: p.done(nil)})
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
	in     Input
	lay    layout
	found  bool              // the header row has been seen
	before []Preamble        // non-blank rows seen before the header
	shown  map[cellAt]string // texts excelize's formatter gave, see needFormatting
	merges []mergeRange      // merged ranges over the hierarchy columns

	headerCells Cells // the header row as stored
}

func newBuilder(path, sheet string) *builder {
	return &builder{in: Input{Path: path, Sheet: sheet}}
}

// add takes one sheet row. It returns an error when no header shows up in
// time or the row is past a limit.
func (b *builder) add(sheetRow int, cells Cells) error {
	if cells.blank() {
		return nil
	}
	if sheetRow > maxDataRow {
		advice := fitAdvice
		if b.in.Sheet == "" {
			advice = csvFitAdvice
		}
		return tooLarge(b.in.Path, b.where()+" has data below row "+groupDigits(maxDataRow)+" (the limit): "+advice)
	}
	if n := cells.Len(); n > maxInputColumns {
		return b.tooWide(sheetRow, n)
	}
	if b.found {
		b.in.Rows = append(b.in.Rows, Row{Line: sheetRow - b.in.HeaderRow, Cells: cells})
		if n := cells.Len(); n > len(b.in.Columns) {
			b.in.Columns = append(b.in.Columns, make([]string, n-len(b.in.Columns))...)
		}
		return nil
	}
	texts := make([]string, cells.Len())
	for col, c := range cells.All() {
		texts[col], _ = localText(c)
	}
	if lay, ok := findLayout(texts); ok {
		b.found, b.lay = true, lay
		b.in.HeaderRow, b.in.Columns, b.in.POColumn = sheetRow, texts, lay.po
		b.in.Preamble, b.headerCells = b.before, cells
		return nil
	}
	b.before = append(b.before, Preamble{SheetRow: sheetRow, Cells: cells})
	if len(b.before) >= maxHeaderSearch {
		return b.noPOColumn()
	}
	return nil
}

func (b *builder) tooWide(sheetRow, n int) error {
	return tooLarge(b.in.Path, "row "+itoa(sheetRow)+" of "+b.where()+" has "+groupDigits(n)+" columns; "+
		"a workbook holds "+groupDigits(maxColumns)+" and the results add "+itoa(len(ResultColumns))+
		", so at most "+groupDigits(maxInputColumns)+" can be read (the limit): delete the columns you do not need")
}

func (b *builder) where() string {
	if b.in.Sheet != "" {
		return "sheet " + quote(b.in.Sheet)
	}
	return "the file"
}

// needFormatting lists, by sheet row, the columns whose text only
// excelize's formatter can tell: header, PO and hierarchy cells that hold
// a formatted number, a date or an error.
func (b *builder) needFormatting() map[int][]int {
	need := make(map[int][]int)
	add := func(row, col int, c Cell) {
		if _, ok := localText(c); !ok {
			need[row] = append(need[row], col)
		}
	}
	for col, c := range b.headerCells.All() {
		add(b.in.HeaderRow, col, c)
	}
	for _, r := range b.in.Rows {
		row := b.in.HeaderRow + r.Line
		for col, c := range r.Cells.All() {
			if col == b.lay.po || (b.lay.hierarchy >= 0 && col > b.lay.hierarchy) {
				add(row, col, c)
			}
		}
	}
	return need
}

// text is the text Excel shows for the cell at col of sheet row row.
func (b *builder) text(row int, c Cell, col int) string {
	if s, ok := b.shown[cellAt{row, col}]; ok {
		return s
	}
	s, _ := localText(c)
	return s
}

func (b *builder) noPOColumn() error {
	where := b.where()
	if len(b.before) == 0 {
		return inputError(b.in.Path, ErrEmpty, nil, where+" is empty: put a header row with a PO_NUMBER column and one PO number per row")
	}
	first := b.before[0]
	texts := first.Cells.Values()
	hint := "name the column holding the PO numbers "
	for _, c := range texts {
		if _, ok := vocab.NormalizePO(c); ok {
			hint = "the first row already holds a PO number: insert a header row above it and name the column "
			break
		}
	}
	return inputError(b.in.Path, ErrNoPOColumn, nil,
		"headers found in row "+itoa(first.SheetRow)+" of "+where+": "+quoteList(texts)+"; "+hint+acceptedPONames)
}

// finish checks that data was found and works out each row's PO,
// duplicates, priority and hierarchy.
func (b *builder) finish() (*Input, error) {
	if !b.found {
		return nil, b.noPOColumn()
	}
	in := &b.in
	if len(in.Rows) == 0 {
		return nil, inputError(in.Path, ErrEmpty, nil,
			b.where()+" has a header row (row "+itoa(in.HeaderRow)+") but no rows under it: add one PO number per row")
	}
	for col := range in.Columns {
		if s, ok := b.shown[cellAt{in.HeaderRow, col}]; ok {
			in.Columns[col] = s
		}
	}
	levels := b.levels()
	first := make(map[string]int, len(in.Rows))
	for i := range in.Rows {
		r := &in.Rows[i]
		row := in.HeaderRow + r.Line
		poCell := r.Cells.At(b.lay.po)
		r.Raw = b.text(row, poCell, b.lay.po)
		if po, ok := poOf(r.Raw, poCell); ok {
			r.PO = po
			if line, seen := first[po]; seen {
				r.DuplicateOf = line
			} else {
				first[po] = r.Line
			}
		} else {
			r.Invalid, r.Problem = true, vocab.InvalidPOProblem(r.Raw)
		}
		r.Priority = vocab.Normal
		if b.lay.priority >= 0 {
			r.Priority, r.Warning = parsePriority(b.text(row, r.Cells.At(b.lay.priority), b.lay.priority))
		}
		if levels != nil {
			r.Hierarchy = levels[i].texts()
		}
	}
	return in, nil
}

// level is a hierarchy cell of a row: its column and text.
type level struct {
	col  int
	text string
}

type levels []level

// texts are the non-blank levels, trimmed, left to right.
func (ls levels) texts() []string {
	var out []string
	for _, l := range ls {
		if t := strings.TrimFunc(l.text, vocab.IsBlank); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// levels returns every row's hierarchy cells, a merged cell repeated down
// every row it covers; nil without hierarchy columns.
func (b *builder) levels() []levels {
	in := &b.in
	if b.lay.hierarchy < 0 {
		return nil
	}
	out := make([]levels, len(in.Rows))
	for i, r := range in.Rows {
		row := in.HeaderRow + r.Line
		for col, c := range r.Cells.All() {
			if col > b.lay.hierarchy {
				out[i] = append(out[i], level{col, b.text(row, c, col)})
			}
		}
	}
	for _, m := range b.merges {
		col := m.col1 - 1 // a merged cell shows in its first column only
		line := m.row1 - in.HeaderRow
		if col <= b.lay.hierarchy || line < 1 {
			continue
		}
		i := sort.Search(len(in.Rows), func(i int) bool { return in.Rows[i].Line > line })
		if i == 0 || in.Rows[i-1].Line != line {
			continue // the merged cell's own row holds nothing: nothing to repeat
		}
		value := out[i-1].at(col)
		if strings.TrimFunc(value, vocab.IsBlank) == "" {
			continue
		}
		for ; i < len(in.Rows) && in.HeaderRow+in.Rows[i].Line <= m.row2; i++ {
			out[i] = out[i].fill(col, value)
		}
	}
	return out
}

func (ls levels) at(col int) string {
	for _, l := range ls {
		if l.col == col {
			return l.text
		}
	}
	return ""
}

// fill sets the level at col to text unless it holds one already.
func (ls levels) fill(col int, text string) levels {
	i := sort.Search(len(ls), func(i int) bool { return ls[i].col >= col })
	if i < len(ls) && ls[i].col == col {
		if strings.TrimFunc(ls[i].text, vocab.IsBlank) == "" {
			ls[i].text = text
		}
		return ls
	}
	return slices.Insert(ls, i, level{col, text})
}

// parsePriority reads a PRIORITY cell. An unknown word is not worth
// refusing the whole file for: the row runs at normal priority and says so.
func parsePriority(cell string) (vocab.Priority, string) {
	p, err := vocab.ParsePriority(cell)
	if err != nil {
		return p, "unknown PRIORITY " + quote(cell) + " (use " + vocab.PriorityWords + "): treated as normal"
	}
	return p, ""
}

func isBlankTexts(cells []string) bool {
	for _, c := range cells {
		if strings.TrimFunc(c, vocab.IsBlank) != "" {
			return false
		}
	}
	return true
}
