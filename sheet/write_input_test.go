package sheet

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"coupatui/vocab"
)

func TestWriteInputRoundTrip(t *testing.T) {
	columns := []string{"PO_NUMBER", "Note, with comma", "PRIORITY"}
	rows := [][]string{
		{"4500000001", "quote \"x\"", "urgent"},
		{"0012345", "", ""},
		{"PO-4500000002", "two\nlines", "low"},
	}
	for _, name := range []string{"in.xlsx", "in.csv"} {
		path := filepath.Join(t.TempDir(), name)
		if err := WriteInput(path, columns, rows); err != nil {
			t.Fatal(err)
		}
		in := mustRead(t, path)
		equal(t, name+" columns", in.Columns, columns)
		for i, r := range in.Rows {
			for col, want := range rows[i] {
				equal(t, name+" cell", r.Cells.At(col).Value, want)
			}
		}
		equal(t, name+" rows", views(in.Rows), []rowView{{1, "4500000001", false, 0}, {2, "0012345", false, 0}, {3, "4500000002", false, 0}})
		equal(t, name+" priority", in.Rows[0].Priority, vocab.Urgent)
	}
}

func TestWriteInputRefusesOtherTypes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.ods")
	err := WriteInput(path, []string{"PO"}, nil)
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("WriteInput(.ods) = %v, want ErrUnsupported", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused write left a file: %v", err)
	}
}
