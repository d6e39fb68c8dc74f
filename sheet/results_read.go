package sheet

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"coupatui/vocab"

	"github.com/xuri/excelize/v2"
)

// Results is a results workbook read back.
type Results struct {
	Path      string
	HeaderRow int
	Columns   []string
	Rows      []ResultRow
}

// ResultRow is one data row of a results workbook.
type ResultRow struct {
	Line    int      // sheet row minus HeaderRow, as in the Input it was written from
	Cells   []string // every cell, Columns order, unformatted (numbers and dates as Excel stores them)
	PO      string   // the PO_NUMBER cell
	Outcome Outcome  // parsed from the result columns
}

// ReadResults reads a workbook written by WriteResults. It exists for
// tests and for tools that want the outcomes back; cells come unformatted.
func ReadResults(path string) (*Results, error) {
	if err := checkWorkbookBytes("results", path); err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, &fileError{role: "results", path: path, kind: ErrCorrupt, cause: err, detail: err.Error()}
	}
	defer f.Close()
	res := &Results{Path: path}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	var col [resultCount]int
	err = streamRows(f, pickSheet(f), excelize.Options{RawCellValue: true}, func(row int, cells []string) (bool, error) {
		if res.HeaderRow == 0 {
			if idx, ok := resultColumnIndex(cells); ok {
				res.HeaderRow, res.Columns, col = row, cells, idx
			}
			return true, nil
		}
		if isBlankTexts(cells) {
			return true, nil
		}
		if len(cells) < len(res.Columns) {
			cells = append(cells, make([]string, len(res.Columns)-len(cells))...)
		}
		rr, err := parseResultRow(row-res.HeaderRow, cells, col, date1904)
		if err != nil {
			return false, &fileError{role: "results", path: path, kind: ErrCorrupt, cause: err,
				detail: "row " + itoa(row) + ": " + err.Error()}
		}
		res.Rows = append(res.Rows, rr)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if res.HeaderRow == 0 {
		return nil, &fileError{role: "results", path: path, kind: ErrNoPOColumn,
			detail: "no header row with all of " + strings.Join(ResultColumns, ", ")}
	}
	return res, nil
}

// streamRows calls fn with every row of a sheet, numbered from 1 (absent
// rows come as nil), until fn returns false or an error.
func streamRows(f *excelize.File, sheet string, opts excelize.Options, fn func(row int, cells []string) (bool, error)) error {
	fail := func(err error, detail string) error {
		return &fileError{role: "results", path: f.Path, kind: ErrCorrupt, cause: err, detail: detail + ": " + err.Error()}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return fail(err, "cannot read sheet "+quote(sheet))
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(opts)
		if err != nil {
			return fail(err, "cannot read row "+itoa(n)+" of sheet "+quote(sheet))
		}
		more, err := fn(n, cells)
		if err != nil || !more {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return fail(err, "cannot read sheet "+quote(sheet))
	}
	return nil
}

// resultColumnIndex finds every result column in a header row; CONVERTED
// may be missing (workbooks written before it), -1 then.
func resultColumnIndex(header []string) (idx [resultCount]int, ok bool) {
	for k, name := range ResultColumns {
		idx[k] = -1
		for i, h := range header {
			if isResultColumn(h, name) {
				idx[k] = i
				break
			}
		}
		if idx[k] < 0 && name != ColConverted {
			return idx, false
		}
	}
	return idx, true
}

func parseResultRow(line int, cells []string, col [resultCount]int, date1904 bool) (ResultRow, error) {
	get := func(k int) string {
		if col[k] < 0 {
			return ""
		}
		return cells[col[k]]
	}
	rr := ResultRow{Line: line, Cells: cells, PO: get(0)}
	o := &rr.Outcome
	o.Status, o.Supplier = vocab.Status(get(1)), get(2)
	var err error
	if o.Found, err = atoiBlank(get(3)); err != nil {
		return rr, fmt.Errorf("%s: %w", ColFound, err)
	}
	if o.Downloaded, err = atoiBlank(get(4)); err != nil {
		return rr, fmt.Errorf("%s: %w", ColDownloaded, err)
	}
	if files := get(5); files != "" {
		o.Files = strings.Split(files, filesSeparator)
	}
	if s := get(6); s != "" {
		serial, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return rr, fmt.Errorf("%s %q is not a date-time: %w", ColProcessed, s, err)
		}
		t, err := excelize.ExcelDateToTime(serial, date1904)
		if err != nil {
			return rr, fmt.Errorf("%s: %w", ColProcessed, err)
		}
		// Excel keeps wall-clock time; it was written in local time.
		t = t.Round(time.Second)
		o.Processed = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.Local)
	}
	o.Error, o.Folder, o.URL = get(7), get(8), get(9)
	if conv := get(10); conv != "" {
		o.Converted = strings.Split(conv, filesSeparator)
	}
	return rr, nil
}

func atoiBlank(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}
