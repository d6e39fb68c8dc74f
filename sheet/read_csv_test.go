package sheet

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"coupatui/vocab"
)

// csvRows is the content most CSV tests read, with {D} for the delimiter.
const csvRows = "Supplier{D}PO_NUMBER{D}PRIORITY{D}<|>{D}Region\n" +
	"Müller GmbH{D}PO-4500000123{D}high{D}{D}DACH\n" +
	"\n" +
	"\"Smith{D} \"\"Jr\"\"\"{D}4500000124{D}{D}{D}\n" +
	"Acme{D}4500000123{D}low{D}{D}US\n" +
	"Bad{D}12{D}{D}{D}\n"

func TestReadCSVDelimiters(t *testing.T) {
	for _, d := range []string{",", ";", "\t"} {
		text := strings.ReplaceAll(csvRows, "{D}", d)
		in := mustRead(t, writeFile(t, "pos.csv", []byte(text)))
		equal(t, "columns with "+quote(d), in.Columns, []string{"Supplier", "PO_NUMBER", "PRIORITY", "<|>", "Region"})
		equal(t, "rows with "+quote(d), views(in.Rows), []rowView{
			{1, "4500000123", false, 0},
			{3, "4500000124", false, 0},
			{4, "4500000123", false, 1},
			{5, "", true, 0},
		})
		equal(t, "quoted cell with "+quote(d), in.Rows[1].Cells.At(0).Value, `Smith`+d+` "Jr"`)
		equal(t, "hierarchy with "+quote(d), in.Rows[0].Hierarchy, []string{"DACH"})
		equal(t, "priority with "+quote(d), in.Rows[0].Priority, vocab.High)
		equal(t, "sheet name", in.Sheet, "")
	}
}

func TestReadCSVSemicolonWithDecimalCommas(t *testing.T) {
	text := "PO_NUMBER;Amount;Comment\n4500000123;1,5;a, b, c, d\n4500000124;2,25;x\n"
	in := mustRead(t, writeFile(t, "pos.csv", []byte(text)))
	equal(t, "columns", in.Columns, []string{"PO_NUMBER", "Amount", "Comment"})
	equal(t, "cells", in.Rows[0].Cells.Values(), []string{"4500000123", "1,5", "a, b, c, d"})
}

func TestReadCSVEncodings(t *testing.T) {
	text := strings.ReplaceAll(csvRows, "{D}", ";")
	cp1252, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"UTF-8":        text,
		"UTF-8 BOM":    "\xef\xbb\xbf" + text,
		"Windows-1252": cp1252,
		"UTF-16LE BOM": utf16,
		"CRLF":         strings.ReplaceAll(text, "\n", "\r\n"),
		"CR only":      strings.ReplaceAll(text, "\n", "\r"),
	} {
		in, err := Read(writeFile(t, "enc.csv", []byte(data)))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		equal(t, name+": first header cell (no BOM left)", in.Columns[0], "Supplier")
		equal(t, name+": non-ASCII cell", in.Rows[0].Cells.At(0).Value, "Müller GmbH")
		equal(t, name+": lines", views(in.Rows), []rowView{
			{1, "4500000123", false, 0}, {3, "4500000124", false, 0}, {4, "4500000123", false, 1}, {5, "", true, 0}})
	}
	if cp1252 == text {
		t.Fatal("the Windows-1252 fixture is plain UTF-8: the test proves nothing")
	}
}

func TestReadCSVRowNumbering(t *testing.T) {
	// Rows count like a spreadsheet program shows the file: blank lines
	// are rows, a quoted multi-line cell is one row.
	text := "Export of open POs\n\nPO,Note\n4500000001,\"two\nlines\"\n\n\n4500000002,x\n,,\n4500000003,\n"
	in := mustRead(t, writeFile(t, "n.csv", []byte(text)))
	equal(t, "header row", in.HeaderRow, 3)
	equal(t, "preamble", len(in.Preamble), 1)
	equal(t, "preamble row", in.Preamble[0].SheetRow, 1)
	equal(t, "preamble cells", in.Preamble[0].Cells.Values(), []string{"Export of open POs"})
	equal(t, "lines", views(in.Rows), []rowView{{1, "4500000001", false, 0}, {4, "4500000002", false, 0}, {6, "4500000003", false, 0}})
	equal(t, "multi-line cell", in.Rows[0].Cells.At(1).Value, "two\nlines")
}

func TestReadCSVSingleColumn(t *testing.T) {
	in := mustRead(t, writeFile(t, "one.csv", []byte("PO\n4500000001\n4500000002\n")))
	equal(t, "rows", views(in.Rows), []rowView{{1, "4500000001", false, 0}, {2, "4500000002", false, 0}})
}

var csvFuzzSeeds = []string{
	strings.ReplaceAll(csvRows, "{D}", ","),
	strings.ReplaceAll(csvRows, "{D}", ";"),
	"PO\n\"unterminated\n",
	"PO,\"a\"\"b\nc\n",
	"\xef\xbb\xbfPO\r\n4500000001\r\n",
	"\xff\xfeP\x00O\x00\n\x001\x002\x003\x004\x005\x006\x00",
	"PO\n\x00",
	"",
	"\n\n\n",
	"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nPO\n123456",
	"PO;X\n1234567;\xe9\xe8\n",
}

func TestReadCSVSeeds(t *testing.T) {
	for _, seed := range csvFuzzSeeds {
		checkCSVInvariants(t, []byte(seed))
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, seed := range csvFuzzSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkCSVInvariants(t, data) })
}

// checkCSVInvariants reads any bytes as CSV: it must not panic, and what
// it returns must be consistent.
func checkCSVInvariants(t *testing.T, data []byte) {
	t.Helper()
	in, err := readCSV("fuzz.csv", data)
	if err != nil {
		if !strings.HasPrefix(err.Error(), `input "fuzz.csv": `) {
			t.Fatalf("error does not name the file: %v", err)
		}
		return
	}
	if len(in.Rows) == 0 || in.POColumn < 0 || in.POColumn >= len(in.Columns) {
		t.Fatalf("inconsistent input: %d rows, PO column %d of %d", len(in.Rows), in.POColumn, len(in.Columns))
	}
	last := 0
	for _, r := range in.Rows {
		if r.Line <= last {
			t.Fatalf("lines not increasing: %d after %d", r.Line, last)
		}
		last = r.Line
		if r.Cells.Len() > len(in.Columns) {
			t.Fatalf("row %d has %d cells for %d columns", r.Line, r.Cells.Len(), len(in.Columns))
		}
		if r.Invalid == (r.PO != "") {
			t.Fatalf("row %d: Invalid=%v with PO %q", r.Line, r.Invalid, r.PO)
		}
	}
}
