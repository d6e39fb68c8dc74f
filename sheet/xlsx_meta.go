package sheet

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"
)

// excelize's row iterator gives each cell's value but not its type or
// style, and excelize reads merged ranges only by loading the whole sheet
// into memory. sheetMeta reads the same worksheet part alongside the
// iterator, row for row, for just those: the attributes of <row> and <c>
// and the <mergeCell> ranges. Values never come from here. Used by one
// goroutine.
type sheetMeta struct {
	dec    *xml.Decoder
	row    int        // number of the row read last; 0 before the first
	cells  []cellMeta // the cells of that row, by increasing column
	ended  bool       // </sheetData> was read
	merges []mergeRange
}

// cellMeta is what the row iterator does not say about a cell; small, as
// a row may have 16,384 of them.
type cellMeta struct {
	col   int32 // 1-based
	style int32 // index into the workbook's cell styles
	sst   int32 // for a shared string (t="s"), its index; else -1
	typ   sheetCellType
}

// sheetCellType is a cell's t attribute.
type sheetCellType uint8

const (
	typeNumber sheetCellType = iota // "n", or no t attribute
	typeShared                      // "s"
	typeString                      // "str", a formula's text
	typeInline                      // "inlineStr"
	typeBool                        // "b"
	typeError                       // "e"
	typeDate                        // "d"
	typeUnknown
)

func parseSheetCellType(t string) sheetCellType {
	switch t {
	case "", "n":
		return typeNumber
	case "s":
		return typeShared
	case "str":
		return typeString
	case "inlineStr":
		return typeInline
	case "b":
		return typeBool
	case "e":
		return typeError
	case "d":
		return typeDate
	}
	return typeUnknown
}

// mergeRange is a merged range, 1-based and inclusive.
type mergeRange struct{ col1, row1, col2, row2 int }

func newSheetMeta(r io.Reader, charset func(string, io.Reader) (io.Reader, error)) *sheetMeta {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset
	return &sheetMeta{dec: dec}
}

// nextRow reads the next <row> element, numbering rows and cells the way
// excelize's iterator does: a missing (or zero) r attribute is the next
// row or column. Rows and cells out of order are refused: the iterator
// would file them under other rows.
func (m *sheetMeta) nextRow() error {
	inRow, inV := false, false
	for {
		tok, err := m.dec.RawToken()
		if err == io.EOF {
			m.ended = true
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				n := m.row + 1
				if v, ok := attr(t, "r"); ok {
					if r, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && r != 0 {
						n = r
					}
				}
				if n <= m.row {
					return fmt.Errorf("row %d follows row %d", n, m.row)
				}
				m.row, m.cells, inRow = n, m.cells[:0], true
			case "c":
				if !inRow {
					continue
				}
				c := cellMeta{col: 1, sst: -1}
				if k := len(m.cells); k > 0 {
					c.col = m.cells[k-1].col + 1
				}
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "r":
						col, _, err := excelize.CellNameToCoordinates(a.Value)
						if err != nil {
							return fmt.Errorf("row %d: %w", m.row, err)
						}
						if k := len(m.cells); k > 0 && int32(col) <= m.cells[k-1].col {
							return fmt.Errorf("cell %s follows column %d", a.Value, m.cells[k-1].col)
						}
						c.col = int32(col)
					case "s":
						if s, err := strconv.ParseInt(a.Value, 10, 32); err == nil {
							c.style = int32(s)
						}
					case "t":
						c.typ = parseSheetCellType(a.Value)
					}
				}
				m.cells = append(m.cells, c)
			case "v":
				inV = inRow && len(m.cells) > 0
			}
		case xml.CharData:
			if c := len(m.cells) - 1; inV && m.cells[c].typ == typeShared {
				if i, err := strconv.ParseInt(strings.TrimSpace(string(t)), 10, 32); err == nil && i >= 0 {
					m.cells[c].sst = int32(i)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "row":
				if inRow {
					return nil
				}
			case "sheetData":
				m.ended = true
				return nil
			}
		}
	}
}

// finish reads the rest of the part for its merged ranges, keeping those
// that reach a column in [fromCol, toCol] (1-based).
func (m *sheetMeta) finish(fromCol, toCol int) error {
	for {
		tok, err := m.dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "mergeCell" {
			continue
		}
		ref, _ := attr(se, "ref")
		first, last, _ := strings.Cut(ref, ":")
		c1, r1, err1 := excelize.CellNameToCoordinates(first)
		c2, r2, err2 := excelize.CellNameToCoordinates(last)
		if err := errors.Join(err1, err2); err != nil || c2 < c1 || r2 < r1 {
			continue // Excel drops such a range too
		}
		if c2 < fromCol || c1 > toCol {
			continue
		}
		if len(m.merges) == maxMerges {
			return errTooManyMerges
		}
		m.merges = append(m.merges, mergeRange{c1, r1, c2, r2})
	}
}

var errTooManyMerges = errors.New("too many merged ranges")

func attr(se xml.StartElement, name string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// metaFeed runs a sheetMeta on its own goroutine a few rows ahead of its
// reader, so the two readings of the sheet use two cores. The goroutine
// owns the sheetMeta until stop returns; then the reader may call finish.
type metaFeed struct {
	m    *sheetMeta
	rows chan metaRow  // closed after the last row, or at an error
	done chan struct{} // closed by stop
	wg   sync.WaitGroup
	err  error // written by the goroutine before it closes rows

	next metaRow // the reader's: the first row not yet asked for
	have bool
}

type metaRow struct {
	n     int
	cells []cellMeta
}

func (m *sheetMeta) feed() *metaFeed {
	f := &metaFeed{m: m, rows: make(chan metaRow, 32), done: make(chan struct{})}
	f.wg.Go(func() {
		defer close(f.rows)
		for {
			if err := m.nextRow(); err != nil {
				f.err = err
				return
			}
			if m.ended {
				return
			}
			select {
			case f.rows <- metaRow{m.row, slices.Clone(m.cells)}:
			case <-f.done:
				return
			}
		}
	})
	return f
}

// at returns the cells of sheet row n; rows must be asked for in
// increasing order. A row the sheet does not have comes back empty.
func (f *metaFeed) at(n int) ([]cellMeta, error) {
	for !f.have || f.next.n < n {
		r, ok := <-f.rows
		if !ok {
			return nil, f.err // f.err is written before the close
		}
		f.next, f.have = r, true
	}
	if f.next.n == n {
		return f.next.cells, nil
	}
	return nil, nil
}

// stop ends the goroutine and waits for it; the sheetMeta is the caller's
// again.
func (f *metaFeed) stop() {
	close(f.done)
	f.wg.Wait()
}
