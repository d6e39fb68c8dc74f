package sheet

import (
	"bufio"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Issue 11 item 5: a merged hierarchy cell names the folder of every row it
// covers, not only of its first one.
func TestReadMergedHierarchy(t *testing.T) {
	b := newBook(t, "PO_Data")
	b.row("PO_Data", 1, "PO", "Note", HierarchyMarker, "Region", "Dept")
	b.row("PO_Data", 2, "4500000002", "merged note", "", "EMEA", "Finance")
	b.row("PO_Data", 3, "4500000003")
	b.row("PO_Data", 4, "4500000004")
	b.row("PO_Data", 5, "4500000005", "", "", "AMER", "Ops")
	b.row("PO_Data", 6, "4500000006", "", "", "", "")
	b.row("PO_Data", 7, "4500000007", "", "", "Both levels")
	b.row("PO_Data", 8, "4500000008", "", "", "", "Own")
	for _, r := range [][2]string{{"D2", "D4"}, {"D5", "D6"}, {"E3", "E4"}, {"E5", "E6"}, {"B2", "B3"}, {"D7", "E7"}} {
		if err := b.f.MergeCell("PO_Data", r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	in := mustRead(t, b.save("merged.xlsx"))
	var got [][]string
	for _, r := range in.Rows {
		got = append(got, r.Hierarchy)
	}
	equal(t, "hierarchy", got, [][]string{
		{"EMEA", "Finance"},
		{"EMEA"}, // E3:E4 is merged, but its first cell is blank
		{"EMEA"},
		{"AMER", "Ops"},
		{"AMER", "Ops"},
		{"Both levels"}, // across levels, the value is the first level's only
		{"Own"},
	})
	equal(t, "a merged carried cell stays as stored", in.Rows[1].Cells.At(1), Cell{})
}

// Issue 11 item 5: carried columns keep their type and number format in the
// results: dates stay dates, amounts stay numbers, texts stay texts.
func TestWriteResultsKeepsTypes(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		b := newBook(t, "PO_Data")
		if date1904 {
			if err := b.f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
				t.Fatal(err)
			}
		}
		b.row("PO_Data", 1, "PO", "Ordered", "Stamp", "Amount", "Ratio", "Flag", "Code", "Count", "Big")
		b.row("PO_Data", 2, "4500000001", 45351, 45351.5729166667, 1234.5, 0.125, true, "0042", 7, 123456789012)
		style := func(col string, st *excelize.Style) {
			id, err := b.f.NewStyle(st)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.f.SetCellStyle("PO_Data", col+"2", col+"2", id); err != nil {
				t.Fatal(err)
			}
		}
		style("B", &excelize.Style{NumFmt: 14})
		style("C", &excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm")})
		style("D", &excelize.Style{CustomNumFmt: ptr("#,##0.00 [$€-x-euro2]")})
		style("E", &excelize.Style{NumFmt: 10})
		input := b.save("typed.xlsx")
		in := mustRead(t, input)
		out := writeResults(t, in, map[int]Outcome{1: {Status: "COMPLETED"}})
		src, dst := openBook(t, input), openBook(t, out)
		for _, cell := range []string{"B2", "C2", "D2", "E2", "F2", "G2", "H2", "I2"} {
			name := cell
			if date1904 {
				name += " (1904 dates)"
			}
			equal(t, name+" shown as in the input", cellValue(t, dst, cell), cellValue(t, src, cell))
			equal(t, name+" stored as in the input", rawValue(t, dst, cell), rawValue(t, src, cell))
			equal(t, name+" type", cellType(t, dst, cell), cellType(t, src, cell))
			equal(t, name+" number format", numFmt(t, dst, cell), numFmt(t, src, cell))
		}
	}
}

// A date cell stored as ISO 8601 text (t="d", as some producers write
// them) becomes a date-time in the results.
func TestWriteResultsISODateCell(t *testing.T) {
	path := writePackage(t, "isodate.xlsx", func(w *bufio.Writer) error {
		_, err := w.WriteString(headerRow + `<row r="2"><c r="A2"><v>4500000001</v></c><c r="B2" t="d"><v>2024-02-29T13:45:00Z</v></c></row>`)
		return err
	}, nil)
	in := mustRead(t, path)
	equal(t, "cell", in.Rows[0].Cells.At(1), Cell{Value: "2024-02-29T13:45:00Z", Kind: Date})
	out := writeResults(t, in, nil)
	f := openBook(t, out)
	equal(t, "shown", cellValue(t, f, "B2"), "2024-02-29 13:45:00")
	equal(t, "stored as a number", cellType(t, f, "B2"), excelize.CellTypeUnset)
}

func cellValue(t *testing.T, f *excelize.File, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(f.GetSheetList()[0], cell)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func rawValue(t *testing.T, f *excelize.File, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(f.GetSheetList()[0], cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func cellType(t *testing.T, f *excelize.File, cell string) excelize.CellType {
	t.Helper()
	ct, err := f.GetCellType(f.GetSheetList()[0], cell)
	if err != nil {
		t.Fatal(err)
	}
	if ct == excelize.CellTypeNumber {
		ct = excelize.CellTypeUnset // a number cell with t="n" or without t
	}
	if ct == excelize.CellTypeInlineString {
		ct = excelize.CellTypeSharedString // a text either way
	}
	return ct
}

func numFmt(t *testing.T, f *excelize.File, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(f.GetSheetList()[0], cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return itoa(st.NumFmt)
}

// Cell.Text is what a file without types gets: dates as ISO 8601 whatever
// their format, numbers in the General form.
func TestCellText(t *testing.T) {
	for _, c := range []struct {
		cell     Cell
		date1904 bool
		want     string
	}{
		{Cell{"45351", Number, &NumFormat{ID: 14}}, false, "2024-02-29"},
		{Cell{"43889", Number, &NumFormat{ID: 14}}, true, "2024-02-29"},
		{Cell{"45351.5729166667", Number, &NumFormat{Code: "dd/mm/yyyy hh:mm"}}, false, "2024-02-29 13:45:00"},
		{Cell{"45351", Number, &NumFormat{Code: `[$-409]mmmm d, yyyy;@`}}, false, "2024-02-29"},
		{Cell{"1234.5", Number, &NumFormat{Code: "#,##0.00 [$€-x-euro2]"}}, false, "1234.5"},
		{Cell{"4500000123", Number, &NumFormat{Code: "0.00E+00"}}, false, "4500000123"},
		{Cell{"0.125", Number, &NumFormat{ID: 10}}, false, "0.125"},
		{Cell{"5", Number, &NumFormat{Code: `0 "days"`}}, false, "5"},
		{Cell{"12345678901234567", Number, nil}, false, "1.23456789012346E+16"},
		{Cell{"1", Bool, nil}, false, "TRUE"},
		{Cell{"2024-02-29T13:45:00Z", Date, nil}, false, "2024-02-29 13:45:00"},
		{Cell{"0042", Text, nil}, false, "0042"},
		{Cell{"#N/A", Error, nil}, false, "#N/A"},
	} {
		if got := c.cell.Text(c.date1904); got != c.want {
			t.Errorf("%+v (1904: %v).Text = %q, want %q", c.cell, c.date1904, got, c.want)
		}
	}
}

// The texts this package tells without excelize's formatter are the ones
// excelize gives: a workbook of such cells, read formatted by excelize.
func TestLocalTextMatchesExcelize(t *testing.T) {
	b := newBook(t, "PO_Data")
	cells := []Cell{
		{"4500000123", Number, nil}, {"0.1", Number, nil}, {"0.30000000000000004", Number, nil},
		{"12345678901234567", Number, nil}, {"1E+20", Number, nil}, {"-42", Number, nil}, {"4.5E-7", Number, nil},
		{"4500000123", Number, &NumFormat{ID: 1}}, {"-4500000123", Number, &NumFormat{ID: 1}},
		{"4500000123", Number, &NumFormat{ID: 49}}, {"1.5", Number, &NumFormat{ID: 49}},
		{"1", Bool, nil}, {"0", Bool, nil}, {"some text", Text, nil},
	}
	for i, c := range cells {
		ref := "A" + itoa(i+1)
		var err error
		switch c.Kind {
		case Number:
			err = b.f.SetCellDefault("PO_Data", ref, c.Value)
		case Bool:
			err = b.f.SetCellBool("PO_Data", ref, c.Value == "1")
		default:
			err = b.f.SetCellStr("PO_Data", ref, c.Value)
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.Format != nil {
			id, err := b.f.NewStyle(&excelize.Style{NumFmt: c.Format.ID})
			if err != nil {
				t.Fatal(err)
			}
			if err := b.f.SetCellStyle("PO_Data", ref, ref, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	f := openBook(t, b.save("local.xlsx"))
	for i, c := range cells {
		got, ok := localText(c)
		if !ok {
			t.Errorf("%+v: not told locally", c)
			continue
		}
		if want := cellValue(t, f, "A"+itoa(i+1)); got != want {
			t.Errorf("%+v shown %q here, %q by excelize", c, got, want)
		}
	}
	if _, ok := localText(Cell{"12345678901234567", Number, &NumFormat{ID: 1}}); ok {
		t.Error(`a 17-digit number in format "0" was told locally`)
	}
}
