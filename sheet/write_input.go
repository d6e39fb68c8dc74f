package sheet

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteInput writes an input file, .xlsx (sheet PO_Data, every cell as
// text) or .csv (UTF-8, comma separated) by path's extension: columns is
// the header row, rows the data rows. For the demo and for tests; the file
// is replaced atomically.
func WriteInput(path string, columns []string, rows [][]string) error {
	var write func(io.Writer) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		write = func(w io.Writer) error { return writeInputXLSX(w, columns, rows) }
	case ".csv":
		write = func(w io.Writer) error { return writeInputCSV(w, columns, rows) }
	default:
		return &fileError{role: "input", path: path, kind: ErrUnsupported, detail: "write an .xlsx or .csv file"}
	}
	if err := writeAtomically(path, write); err != nil {
		return fmt.Errorf("write input %q: %w", path, err)
	}
	return nil
}

func writeInputXLSX(w io.Writer, columns []string, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), DataSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(DataSheet)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", textValues(columns)); err != nil {
		return err
	}
	for i, r := range rows {
		if err := sw.SetRow("A"+itoa(i+2), textValues(r)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

func writeInputCSV(w io.Writer, columns []string, rows [][]string) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.Write(columns); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
