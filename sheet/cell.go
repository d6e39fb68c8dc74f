package sheet

import (
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"coupatui/vocab"

	"github.com/xuri/excelize/v2"
)

// Cell is one input cell as the file stores it, so the results carry it
// with its type: dates stay dates, amounts stay numbers.
type Cell struct {
	// Value is the stored value: the text of a text cell, the number of a
	// number cell unformatted ("45351.5" for a date-time shown as
	// 2/29/24 12:00), "1" or "0" for a boolean, the ISO 8601 text of a
	// date cell (t="d").
	Value  string
	Kind   Kind
	Format *NumFormat // number format of a Number or Date cell; nil for General
}

// Kind is the type of a stored cell.
type Kind uint8

const (
	Untyped Kind = iota // text from a file without types (CSV) or a cell added by hand
	Text                // a text cell: shared, inline or formula string
	Number
	Bool
	Date  // an ISO 8601 date cell (t="d"), as some producers write them
	Error // a formula error such as #N/A
)

var kindNames = [...]string{Untyped: "untyped", Text: "text", Number: "number", Bool: "bool", Date: "date", Error: "error"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText writes a Kind by name (in logs and golden files).
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// NumFormat is a cell's number format as the workbook names it: a
// built-in format id (14 is the short date of the reader's locale), or a
// custom format code.
type NumFormat struct {
	ID   int    // built-in format id; 0 with a Code
	Code string // custom format code; "" for a built-in format
}

// Cells are the cells of one row, packed so that long and wide sheets fit
// in memory: a cell costs the bytes of its value and eight more, an empty
// cell nothing, and a shared string is held once however many cells use
// it. Cells are not changed once made; the zero value is an empty row.
type Cells struct {
	text  string     // the values kept with the row, one after the other
	cells []cellSlot // the non-empty cells, by increasing column
	pool  *cellPool  // shared strings and number formats; nil when none is used
}

// cellSlot is one non-empty cell of a row.
type cellSlot struct {
	col uint16 // 0-based column: a sheet has 16,384
	tag uint16 // kind | tagShared | format index << tagFormatShift
	ref uint32 // the end of the value in Cells.text, or (tagShared) its index in cellPool.shared
}

const (
	tagKindMask    = 0x7
	tagShared      = 0x8
	tagFormatShift = 4
	maxFormats     = 1<<(16-tagFormatShift) - 1 // Excel allows about 250 custom formats
)

// cellPool holds what the rows of one input share. It is filled while the
// input is read, and only read after.
type cellPool struct {
	shared  []string     // shared strings by index in the workbook
	formats []*NumFormat // formats[0] is nil: General
	index   map[NumFormat]uint16
}

func newCellPool() *cellPool {
	return &cellPool{formats: []*NumFormat{nil}, index: make(map[NumFormat]uint16)}
}

// formatIndex returns the index of a number format, 0 for General (also
// past maxFormats, which a workbook cannot reach).
func (p *cellPool) formatIndex(f *NumFormat) uint16 {
	if f == nil {
		return 0
	}
	if i, ok := p.index[*f]; ok {
		return i
	}
	if len(p.formats) > maxFormats {
		return 0
	}
	i := uint16(len(p.formats))
	p.formats = append(p.formats, f)
	p.index[*f] = i
	return i
}

// Len is one more than the column of the last non-empty cell.
func (c Cells) Len() int {
	if len(c.cells) == 0 {
		return 0
	}
	return int(c.cells[len(c.cells)-1].col) + 1
}

// At returns the cell in column col (0-based); an empty Cell past the end.
func (c Cells) At(col int) Cell {
	i, ok := slices.BinarySearchFunc(c.cells, col, func(s cellSlot, col int) int { return int(s.col) - col })
	if !ok {
		return Cell{}
	}
	start := uint32(0)
	for j := i - 1; j >= 0; j-- {
		if c.cells[j].tag&tagShared == 0 {
			start = c.cells[j].ref
			break
		}
	}
	return c.cell(i, start)
}

func (c Cells) cell(i int, start uint32) Cell {
	s := c.cells[i]
	cell := Cell{Kind: Kind(s.tag & tagKindMask)}
	if f := s.tag >> tagFormatShift; f != 0 {
		cell.Format = c.pool.formats[f]
	}
	if s.tag&tagShared != 0 {
		cell.Value = c.pool.shared[s.ref]
	} else {
		cell.Value = c.text[start:s.ref]
	}
	return cell
}

// All yields the non-empty cells with their columns, left to right.
func (c Cells) All() iter.Seq2[int, Cell] {
	return func(yield func(int, Cell) bool) {
		start := uint32(0)
		for i, s := range c.cells {
			cell := c.cell(i, start)
			if s.tag&tagShared == 0 {
				start = s.ref
			}
			if !yield(int(s.col), cell) {
				return
			}
		}
	}
}

// Slice returns every cell up to the last non-empty one.
func (c Cells) Slice() []Cell {
	out := make([]Cell, c.Len())
	for col, cell := range c.All() {
		out[col] = cell
	}
	return out
}

// Values returns the stored value of every cell up to the last non-empty one.
func (c Cells) Values() []string {
	out := make([]string, c.Len())
	for col, cell := range c.All() {
		out[col] = cell.Value
	}
	return out
}

func (c Cells) blank() bool {
	for _, cell := range c.All() {
		if strings.TrimFunc(cell.Value, vocab.IsBlank) != "" {
			return false
		}
	}
	return true
}

// textCells packs texts of a file without types (CSV), at most a sheet's
// width of them.
func textCells(values []string) Cells {
	var p cellPacker
	for col, v := range values[:min(len(values), maxColumns)] {
		p.add(col, v, Untyped, 0)
	}
	return p.done(nil)
}

// cellPacker builds the Cells of one row after another, reusing its
// buffers. The zero value is ready; used by one goroutine.
type cellPacker struct {
	text  []byte
	cells []cellSlot
}

// add appends a cell kept with the row; empty values are skipped. Columns
// must increase.
func (p *cellPacker) add(col int, v string, kind Kind, format uint16) {
	if v == "" {
		return
	}
	p.text = append(p.text, v...)
	p.cells = append(p.cells, cellSlot{col: uint16(col), tag: uint16(kind) | format<<tagFormatShift, ref: uint32(len(p.text))})
}

// addShared appends a cell holding shared string i of the pool.
func (p *cellPacker) addShared(col, i int, kind Kind) {
	p.cells = append(p.cells, cellSlot{col: uint16(col), tag: uint16(kind) | tagShared, ref: uint32(i)})
}

// done returns the row packed and readies the packer for the next.
func (p *cellPacker) done(pool *cellPool) Cells {
	c := Cells{text: string(p.text), cells: slices.Clone(p.cells), pool: pool}
	p.text, p.cells = p.text[:0], p.cells[:0]
	return c
}

// Text is the cell as text for a file without types (a CSV copy of the
// results): texts as they are, TRUE and FALSE, numbers in Excel's General
// form, and dates and times, whatever their format, as ISO 8601
// ("2024-02-29", "2024-02-29 13:45:00"), so that other programs read them
// back. date1904 is the workbook's date system (Input.Date1904).
func (c Cell) Text(date1904 bool) string {
	switch c.Kind {
	case Number:
		if c.Format == nil || !c.Format.isDate() {
			return generalNumber(c.Value)
		}
		serial, err := strconv.ParseFloat(c.Value, 64)
		if err != nil {
			return c.Value
		}
		t, err := excelize.ExcelDateToTime(serial, date1904)
		if err != nil {
			return c.Value
		}
		return isoText(t.Round(time.Second))
	case Date:
		if t, ok := parseISODate(c.Value); ok {
			return isoText(t)
		}
	}
	s, _ := localText(c)
	return s
}

func isoText(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.DateTime)
}

// isDate reports a date or time format: the built-in ones, and codes
// holding y, m, d, h or s outside quoted text, escapes and [colours].
func (f NumFormat) isDate() bool {
	if f.Code == "" {
		return (f.ID >= 14 && f.ID <= 22) || (f.ID >= 27 && f.ID <= 36) || (f.ID >= 45 && f.ID <= 47) || (f.ID >= 50 && f.ID <= 58)
	}
	quoted, bracket := false, false
	for i := 0; i < len(f.Code); i++ {
		ch := f.Code[i]
		switch {
		case quoted:
			quoted = ch != '"'
		case bracket:
			bracket = ch != ']'
		case ch == '"':
			quoted = true
		case ch == '[':
			bracket = true
		case ch == '\\' || ch == '_' || ch == '*':
			i++ // the next character is literal (or a fill or width)
		case strings.IndexByte("ymdhsYMDHS", ch) >= 0:
			return true
		}
	}
	return false
}

// localText is the text Excel shows for a cell when this package can tell
// it without excelize's formatter: texts, booleans, General numbers and
// whole numbers in format "0". ok is false for other number formats,
// dates and errors.
func localText(c Cell) (string, bool) {
	switch c.Kind {
	case Untyped, Text:
		return c.Value, true
	case Bool:
		switch c.Value {
		case "1":
			return "TRUE", true
		case "0":
			return "FALSE", true
		}
	case Number:
		switch {
		case c.Format == nil, *c.Format == NumFormat{ID: 49}: // General; Text ("@") shows a number as General
			return generalNumber(c.Value), true
		case *c.Format == NumFormat{ID: 1} && wholeWithin15Digits(c.Value) && onlyDigits(strings.TrimPrefix(c.Value, "-")):
			return c.Value, true // "0", the usual format of a PO column, shows a whole number as it is
		}
	}
	return c.Value, false
}

// generalNumber is how a number in the General format reads: the shortest
// decimal form, or 15 significant digits past Excel's precision. It is
// excelize's own rule for such cells (xlsxC.getCellDefault); a test holds
// the two together.
func generalNumber(raw string) string {
	if strings.Contains(raw, "_") { // ParseFloat takes "1_000"; excelize does not
		return raw
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return raw
	}
	plain := strconv.FormatFloat(f, 'f', -1, 64)
	if len(plain)-strings.Count(plain, ".") > 15 && !wholeWithin15Digits(raw) {
		return strconv.FormatFloat(f, 'G', 15, 64)
	}
	return plain
}

// wholeWithin15Digits reports an integer written without point or exponent
// whose significant digits fit Excel's precision (trailing zeros aside).
func wholeWithin15Digits(s string) bool {
	if strings.ContainsAny(s, ".Ee") {
		return false
	}
	s = strings.TrimLeft(s, "+-0")
	return len(strings.TrimRight(s, "0")) <= 15
}
