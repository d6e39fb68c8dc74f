package sheet

import (
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// The excelize reader: slower than the package's own scanner, used when
// the scanner cannot make sense of a package, to read results back, and in
// tests as the reference the scanner must agree with.

// readXLSXExcelize reads the sheet through excelize's row iterator.
func readXLSXExcelize(path string) (*Input, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, inputError(path, ErrCorrupt, err, "cannot open it as a workbook ("+err.Error()+"): open it in Excel and save it again as .xlsx")
	}
	defer f.Close()
	sheet := pickSheet(f)
	if sheet == "" {
		return nil, inputError(path, ErrCorrupt, nil, "the workbook has no worksheet: open it in Excel and save it again as .xlsx")
	}
	b := newBuilder(path, sheet)
	if err := streamRows(f, sheet, excelize.Options{}, func(row int, cells []string) (bool, error) {
		return true, b.add(row, cells)
	}); err != nil {
		return nil, err
	}
	if b.found {
		if err := readRawPOs(f, b); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

// pickSheet returns DataSheet when the workbook has it (any case), else
// the first visible sheet, else the first sheet.
func pickSheet(f *excelize.File) string {
	list := f.GetSheetList()
	for _, name := range list {
		if name == DataSheet {
			return name
		}
	}
	for _, name := range list {
		if strings.EqualFold(name, DataSheet) {
			return name
		}
	}
	for _, name := range list {
		if visible, err := f.GetSheetVisible(name); err == nil && visible {
			return name
		}
	}
	if len(list) > 0 {
		return list[0]
	}
	return ""
}

// streamRows calls fn with every row of a sheet, numbered from 1 (absent
// rows come as nil), until fn returns false or an error.
func streamRows(f *excelize.File, sheet string, opts excelize.Options, fn func(row int, cells []string) (bool, error)) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return inputError(f.Path, ErrCorrupt, err, "cannot read sheet "+quote(sheet)+": "+err.Error())
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(opts)
		if err != nil {
			return inputError(f.Path, ErrCorrupt, err, "cannot read row "+itoa(n)+" of sheet "+quote(sheet)+": "+err.Error())
		}
		more, err := fn(n, cells)
		if err != nil || !more {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return inputError(f.Path, ErrCorrupt, err, "cannot read sheet "+quote(sheet)+": "+err.Error())
	}
	return nil
}

// readRawPOs re-reads, unformatted, the PO cells whose displayed text is a
// formatted number rather than plain digits ("4.50E+09", "4,500,000,123",
// "4500000123.00"), so the PO comes from the number Excel stored: the
// display may have lost digits. Plain digits are kept as displayed, zero
// padding from a "000000" format included, since that is what the operator
// sees.
func readRawPOs(f *excelize.File, b *builder) error {
	need := make(map[int]int) // sheet row -> index in b.in.Rows
	for i, r := range b.in.Rows {
		cell := cellAt(r.Cells, b.lay.po)
		if _, ok := normalizeWritten(cell); !ok && looksLikeFormattedNumber(cell) {
			need[b.in.HeaderRow+r.Line] = i
		}
	}
	if len(need) == 0 {
		return nil
	}
	left := len(need)
	return streamRows(f, b.in.Sheet, excelize.Options{RawCellValue: true}, func(row int, cells []string) (bool, error) {
		if i, ok := need[row]; ok {
			b.setPOSource(i, cellAt(cells, b.lay.po))
			left--
		}
		return left > 0, nil
	})
}

func cellAt(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

// looksLikeFormattedNumber reports a displayed number: digits with
// grouping, decimal, exponent or currency marks, and no other letters.
func looksLikeFormattedNumber(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r == 'E' || r == 'e':
		case unicode.IsLetter(r):
			return false
		}
	}
	return digit
}
