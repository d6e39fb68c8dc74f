package sheet

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Excel's sheet limits.
const (
	maxSheetRows    = 1_048_576
	maxSheetColumns = 16_384
)

// sheetRow is one row of a worksheet as scanned: the text of each cell as
// Excel shows it, and for numeric cells whose text differs from the stored
// number, that number (nil when none).
type sheetRow struct {
	num     int
	cells   []string
	numbers map[int]string
}

// scanSheet reads a worksheet part row by row, calling fn for each row that
// has cells, in order, until fn returns false or an error. sizeHint, when
// not nil, hears the last row the sheet claims to use, before any row.
func scanSheet(r io.Reader, sst []string, nf *numberFormatter, sizeHint func(rows int), fn func(sheetRow) (bool, error)) error {
	s := newXMLScanner(r)
	var (
		row      sheetRow
		inRow    bool
		inCell   bool
		col      int    // 1-based column of the current or last cell
		typ      string // t attribute of the current cell
		style    int
		value    string // <v>
		inline   []byte // <is> text
		inIS     bool
		phonetic bool
		formula  bool // the cell has a formula: kept even without a value, as excelize does
		width    int  // widest row so far: a good capacity for the next
	)
	for {
		err := s.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case s.isStart("dimension") && sizeHint != nil:
			if ref, ok := s.attr("ref"); ok {
				if _, last, found := strings.Cut(ref, ":"); found {
					if n, err := rowOf(last); err == nil {
						sizeHint(n)
					}
				}
			}
		case s.isStart("row"):
			num := row.num + 1
			if v, ok := s.attr("r"); ok {
				if num, err = strconv.Atoi(v); err != nil || num <= row.num || num > maxSheetRows {
					return fmt.Errorf("row number %q after row %d", v, row.num)
				}
			}
			row = sheetRow{num: num, cells: make([]string, 0, width)}
			inRow, inCell, col = !s.selfClosing, false, 0
		case s.isEnd("row") && inRow:
			inRow, inCell = false, false
			width = max(width, len(row.cells))
			if len(row.cells) > 0 {
				if more, err := fn(row); err != nil || !more {
					return err
				}
			}
		case s.isStart("c") && inRow:
			inCell = !s.selfClosing
			col++
			typ, style = "", 0
			s.eachAttr(func(key, v []byte) bool {
				switch string(key) {
				case "r":
					col, err = columnOf(v)
				case "t":
					typ = cellType(v)
				case "s":
					style, _ = strconv.Atoi(string(v))
				}
				return true
			})
			if err != nil {
				return fmt.Errorf("row %d: %w", row.num, err)
			}
			value, inline, inIS, phonetic, formula = "", inline[:0], false, false, false
		case s.isEnd("v") && inCell:
			value = string(s.text)
		case s.isStart("f") && inCell:
			formula = true
		case s.isStart("is"):
			inIS = !s.selfClosing
		case s.isEnd("is"):
			inIS = false
		case s.isStart("rPh"):
			phonetic = !s.selfClosing
		case s.isEnd("rPh"):
			phonetic = false
		case s.isEnd("t") && inIS && !phonetic:
			inline = append(inline, s.text...)
		case s.isEnd("c") && inCell:
			inCell = false
			text, number, err := cellText(typ, style, value, inline, sst, nf)
			if err != nil {
				return fmt.Errorf("cell %s%d: %w", columnName(col), row.num, err)
			}
			row.set(col, text, number, formula)
		case s.isEnd("sheetData"):
			return nil
		}
	}
}

// cellText is the text Excel shows for a cell, and the stored number when
// the cell is numeric and the text is not that number.
func cellText(typ string, style int, value string, inline []byte, sst []string, nf *numberFormatter) (text, number string, err error) {
	switch typ {
	case "s":
		if value == "" {
			return "", "", nil
		}
		i, err := strconv.Atoi(value)
		if err != nil || i < 0 || i >= len(sst) {
			return "", "", fmt.Errorf("shared string %q out of range", value)
		}
		return sst[i], "", nil
	case "inlineStr":
		return unescapeOOXML(string(inline)), "", nil
	case "b":
		switch value {
		case "1":
			return "TRUE", "", nil
		case "0":
			return "FALSE", "", nil
		}
		return value, "", nil
	case "str", "e", "d":
		return value, "", nil
	}
	if value == "" {
		return "", "", nil
	}
	text = nf.display(value, style)
	if text != value {
		number = value
	}
	return text, number, nil
}

func (r *sheetRow) set(col int, text, number string, formula bool) {
	if text == "" && number == "" && !formula {
		return
	}
	for len(r.cells) < col {
		r.cells = append(r.cells, "")
	}
	r.cells[col-1] = text
	if number != "" {
		if r.numbers == nil {
			r.numbers = make(map[int]string)
		}
		r.numbers[col-1] = number
	}
}

// columnOf reads the column of a cell reference like "AB12".
func columnOf(ref []byte) (int, error) {
	col := 0
	for i := 0; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			if i == 0 {
				break
			}
			return col, nil
		}
		col = col*26 + int(c-'a'+1)
		if col > maxSheetColumns {
			break
		}
	}
	return 0, fmt.Errorf("bad cell reference %q", ref)
}

// rowOf reads the row of a cell reference like "AB12".
func rowOf(ref string) (int, error) {
	i := strings.IndexAny(ref, "0123456789")
	if i < 0 {
		return 0, fmt.Errorf("bad cell reference %q", ref)
	}
	return strconv.Atoi(ref[i:])
}

// cellType interns the t attribute of a cell, without allocating for the
// known types.
func cellType(v []byte) string {
	switch string(v) {
	case "s":
		return "s"
	case "n":
		return "n"
	case "inlineStr":
		return "inlineStr"
	case "str":
		return "str"
	case "b":
		return "b"
	case "e":
		return "e"
	case "d":
		return "d"
	}
	return decodedAttr(v)
}

func columnName(col int) string {
	name := ""
	for col > 0 {
		col--
		name = string(rune('A'+col%26)) + name
		col /= 26
	}
	return name
}
