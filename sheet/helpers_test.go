package sheet

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

// book builds an .xlsx fixture cell by cell, so tests control cell types
// and number formats the way Excel users leave them.
type book struct {
	t *testing.T
	f *excelize.File
}

func newBook(t *testing.T, sheet string) *book {
	t.Helper()
	f := excelize.NewFile()
	t.Cleanup(func() { _ = f.Close() })
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	return &book{t: t, f: f}
}

// row writes values from column A of a 1-based row: strings as text, ints
// and floats as numbers.
func (b *book) row(sheet string, row int, values ...any) *book {
	b.t.Helper()
	for i, v := range values {
		cell, _ := excelize.CoordinatesToCellName(i+1, row)
		if err := b.f.SetCellValue(sheet, cell, v); err != nil {
			b.t.Fatal(err)
		}
	}
	return b
}

func (b *book) save(name string) string {
	b.t.Helper()
	path := filepath.Join(b.t.TempDir(), name)
	if err := b.f.SaveAs(path); err != nil {
		b.t.Fatal(err)
	}
	return path
}

// writeResults writes the results workbook of in into a folder of the
// test's and returns its path.
func writeResults(t *testing.T, in *Input, outcomes map[int]Outcome) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "results.xlsx")
	if err := WriteResults(out, in, outcomes); err != nil {
		t.Fatal(err)
	}
	return out
}

// openBook opens a workbook the test's end closes.
func openBook(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func hashFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func mustRead(t *testing.T, path string) *Input {
	t.Helper()
	in, err := Read(path)
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	return in
}

// rowView is the part of a Row most tests compare.
type rowView struct {
	Line        int
	PO          string
	Invalid     bool
	DuplicateOf int
}

func views(rows []Row) []rowView {
	out := make([]rowView, len(rows))
	for i, r := range rows {
		out[i] = rowView{r.Line, r.PO, r.Invalid, r.DuplicateOf}
	}
	return out
}

func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

type excelizeStyle = excelize.Style

func ptr[T any](v T) *T { return &v }

// zipEntry is the whole content of one file of a zip archive.
func zipEntry(t *testing.T, f *zip.File) []byte {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkRows fails t unless in's rows have increasing lines and no more
// cells than in has columns: what any input, however odd, must give.
func checkRows(t *testing.T, in *Input) {
	t.Helper()
	last := 0
	for _, r := range in.Rows {
		if r.Line <= last {
			t.Fatalf("lines not increasing: %d after %d", r.Line, last)
		}
		last = r.Line
		if r.Cells.Len() > len(in.Columns) {
			t.Fatalf("row %d has %d cells for %d columns", r.Line, r.Cells.Len(), len(in.Columns))
		}
	}
}
