package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestReadBadInputs checks every refused input: the right sentinel, a
// message naming the file, the problem and the remedy, and the file left
// exactly as it was.
func TestReadBadInputs(t *testing.T) {
	validBook := func(t *testing.T) []byte {
		b := newBook(t, "PO_Data").row("PO_Data", 1, "PO_NUMBER").row("PO_Data", 2, "4500000123")
		buf, err := b.f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	cases := []struct {
		name    string
		make    func(t *testing.T) string // returns the path to read
		kind    error
		message []string // fragments the message must hold
	}{
		{"missing file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope.xlsx") },
			ErrNotFound, []string{"nope.xlsx", "file not found", "check the path"}},
		{"folder", func(t *testing.T) string { return t.TempDir() },
			ErrUnsupported, []string{"it is a folder"}},
		{"old .xls", func(t *testing.T) string { return writeFile(t, "old.xls", []byte("whatever")) },
			ErrUnsupported, []string{"old.xls", "Excel 97-2003", "save it as .xlsx"}},
		{"other extension", func(t *testing.T) string { return writeFile(t, "pos.txt", []byte("PO\n123456\n")) },
			ErrUnsupported, []string{"pos.txt", `".txt" cannot be read`, ".xlsx", ".csv"}},
		{"no extension", func(t *testing.T) string { return writeFile(t, "pos", []byte("PO\n123456\n")) },
			ErrUnsupported, []string{"no extension"}},
		{"random bytes as .xlsx", func(t *testing.T) string { return writeFile(t, "junk.xlsx", []byte{0x01, 0x02, 0xff, 0x00, 0x9c}) },
			ErrCorrupt, []string{"junk.xlsx", "not an .xlsx workbook", "save it again as .xlsx"}},
		{"text as .xlsx", func(t *testing.T) string { return writeFile(t, "list.xlsx", []byte("PO_NUMBER\n4500000123\n")) },
			ErrCorrupt, []string{"list.xlsx", "text file", "name it .csv"}},
		{"truncated .xlsx", func(t *testing.T) string {
			data := validBook(t)
			return writeFile(t, "cut.xlsx", data[:len(data)/2])
		}, ErrCorrupt, []string{"cut.xlsx", "cannot open it as a workbook", "save it again"}},
		{"zip that is no workbook", func(t *testing.T) string {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, _ := zw.Create("readme.txt")
			_, _ = w.Write([]byte("hello"))
			_ = zw.Close()
			return writeFile(t, "fake.xlsx", buf.Bytes())
		}, ErrCorrupt, []string{"fake.xlsx", "cannot open it as a workbook"}},
		{"password protected", func(t *testing.T) string {
			b := newBook(t, "PO_Data").row("PO_Data", 1, "PO_NUMBER").row("PO_Data", 2, "4500000123")
			path := filepath.Join(t.TempDir(), "locked.xlsx")
			if err := b.f.SaveAs(path, excelize.Options{Password: "secret"}); err != nil {
				t.Fatal(err)
			}
			return path
		}, ErrProtected, []string{"locked.xlsx", "password protected: save an unprotected copy"}},
		{"empty .xlsx file", func(t *testing.T) string { return writeFile(t, "zero.xlsx", nil) },
			ErrEmpty, []string{"zero.xlsx", "0 bytes"}},
		{"empty .csv file", func(t *testing.T) string { return writeFile(t, "zero.csv", nil) },
			ErrEmpty, []string{"zero.csv", "0 bytes"}},
		{"blank .csv file", func(t *testing.T) string { return writeFile(t, "blank.csv", []byte("\n ; \n\n")) },
			ErrEmpty, []string{"blank.csv", "the file is empty", "PO_NUMBER"}},
		{"workbook with an empty sheet", func(t *testing.T) string { return newBook(t, "PO_Data").save("empty.xlsx") },
			ErrEmpty, []string{"empty.xlsx", `sheet "PO_Data" is empty`}},
		{"header but no rows", func(t *testing.T) string {
			return newBook(t, "PO_Data").row("PO_Data", 1, "PO_NUMBER", "Note").save("header.xlsx")
		}, ErrEmpty, []string{"header.xlsx", "header row (row 1) but no rows under it"}},
		{"header and blank rows", func(t *testing.T) string {
			return writeFile(t, "blanks.csv", []byte("PO_NUMBER,Note\n,\n , \n"))
		}, ErrEmpty, []string{"blanks.csv", "no rows under it"}},
		{"no PO column", func(t *testing.T) string {
			return newBook(t, "PO_Data").row("PO_Data", 1, "Name", "Amount", "Order").row("PO_Data", 2, "x", "1", "y").save("nopo.xlsx")
		}, ErrNoPOColumn, []string{"nopo.xlsx", `"Name", "Amount", "Order"`, `row 1 of sheet "PO_Data"`, "PO_NUMBER", "PO Number"}},
		{"no header row above PO numbers", func(t *testing.T) string {
			return writeFile(t, "bare.csv", []byte("4500000123\n4500000124\n"))
		}, ErrNoPOColumn, []string{"bare.csv", `"4500000123"`, "insert a header row"}},
		{"workbook named .csv", func(t *testing.T) string { return writeFile(t, "book.csv", validBook(t)) },
			ErrCorrupt, []string{"book.csv", "Excel workbook with a .csv name"}},
		{"binary .csv", func(t *testing.T) string { return writeFile(t, "bin.csv", []byte("PO\n\x00\x01\x02\n")) },
			ErrCorrupt, []string{"bin.csv", "binary data"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.make(t)
			var before string
			st, statErr := os.Stat(path)
			if statErr == nil && !st.IsDir() {
				before = hashFile(t, path)
			}
			in, err := Read(path)
			if err == nil {
				t.Fatalf("Read accepted it: %+v", in)
			}
			if !errors.Is(err, c.kind) {
				t.Errorf("error %q does not wrap %q", err, c.kind)
			}
			msg := err.Error()
			if !strings.Contains(msg, quote(path)) {
				t.Errorf("message does not name the file %q: %s", path, msg)
			}
			for _, want := range c.message {
				if !strings.Contains(msg, want) {
					t.Errorf("message lacks %q: %s", want, msg)
				}
			}
			if before != "" && hashFile(t, path) != before {
				t.Error("the input file changed")
			}
			t.Log(msg)
		})
	}
}

func TestReadMissingFileIsNotExist(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "gone.csv"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
}

func TestReadLeavesInputUnchanged(t *testing.T) {
	for _, name := range []string{"pos.xlsx", "pos.csv"} {
		path := filepath.Join(t.TempDir(), name)
		if err := WriteInput(path, []string{"PO_NUMBER", "Note"}, [][]string{{"4500000123", "a"}, {"bad", ""}}); err != nil {
			t.Fatal(err)
		}
		before := hashFile(t, path)
		st, _ := os.Stat(path)
		mustRead(t, path)
		after, _ := os.Stat(path)
		if hashFile(t, path) != before || !after.ModTime().Equal(st.ModTime()) {
			t.Errorf("%s changed by Read", name)
		}
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("Read left files beside %s: %v", name, entries)
		}
	}
}
