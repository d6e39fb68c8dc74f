package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// WriteResultsCSV writes the rows of the results workbook WriteResults
// would write as a UTF-8 CSV (comma-separated, header first, rows above
// the header left out): the same columns in the same order, dates as
// "2006-01-02 15:04:05" in local time. The file is replaced atomically.
// path must not be the input file.
func WriteResultsCSV(path string, in *Input, outcomes map[int]Outcome) error {
	if in == nil {
		return fmt.Errorf("write results %q: no input given", path)
	}
	if err := checkNotInput(path, in.Path); err != nil {
		return err
	}
	p := planColumns(in)
	err := writeAtomically(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(p.header); err != nil {
			return err
		}
		for _, r := range in.Rows {
			if err := cw.Write(resultRowText(in, p, r, outcomes)); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return fmt.Errorf("write results %q: %w (the previous file, if any, is unchanged)", path, err)
	}
	return nil
}

// resultRowText is resultRow as text cells.
func resultRowText(in *Input, p columnPlan, r Row, outcomes map[int]Outcome) []string {
	cells := make([]string, len(p.header))
	for col, c := range r.Cells.All() {
		if col >= p.inputLen {
			break
		}
		cells[col] = c.Text(in.Date1904)
	}
	for k, v := range resultValues(in, r, outcomes) {
		if k == 0 && p.keepPO {
			continue
		}
		text := "" // nil: blank, over an input column that carries this result too
		switch v := v.(type) {
		case string:
			text = v
		case int:
			text = strconv.Itoa(v)
		case time.Time:
			text = v.Format("2006-01-02 15:04:05")
		}
		cells[p.result[k]] = text
	}
	return cells
}

// sameFile reports whether a and b name one file, by name or by identity.
func sameFile(a, b string) bool {
	if x, err := filepath.Abs(a); err == nil {
		if y, err := filepath.Abs(b); err == nil && x == y {
			return true
		}
	}
	s1, err1 := os.Stat(a)
	s2, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(s1, s2)
}
