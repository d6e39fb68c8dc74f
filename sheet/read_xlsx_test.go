package sheet

import (
	"strings"
	"testing"

	"coupatui/vocab"
)

func TestReadXLSXRows(t *testing.T) {
	b := newBook(t, "PO_Data")
	b.row("PO_Data", 1, "Requester", "PO_NUMBER", "PRIORITY", "Note", HierarchyMarker, "Region", "Dept")
	b.row("PO_Data", 2, "ann", "PO-4500000123", "Urgent", "first", "", "EMEA", "Finance")
	b.row("PO_Data", 3, "bob", "4500000456", "", "", "", "", "")
	// row 4 left blank
	b.row("PO_Data", 5, "cat", "4500000123", "low", "again", "", "AMER", "")
	b.row("PO_Data", 6, "dan", "not a po", "high")
	b.row("PO_Data", 7, "eve", "", "normal")
	b.row("PO_Data", 8, "fay", " pm_0012345 ", "soon", "", "", " ", "Ops", "extra", "beyond")
	b.row("PO_Data", 9, "   ", "")
	in := mustRead(t, b.save("pos.xlsx"))

	equal(t, "sheet", in.Sheet, "PO_Data")
	equal(t, "header row", in.HeaderRow, 1)
	equal(t, "PO column", in.POColumn, 1)
	equal(t, "columns", in.Columns, []string{"Requester", "PO_NUMBER", "PRIORITY", "Note", HierarchyMarker, "Region", "Dept", "", ""})
	equal(t, "rows", views(in.Rows), []rowView{
		{1, "4500000123", false, 0},
		{2, "4500000456", false, 0},
		{4, "4500000123", false, 1},
		{5, "", true, 0},
		{6, "", true, 0},
		{7, "0012345", false, 0},
	})
	r := in.Rows
	equal(t, "priorities", []vocab.Priority{r[0].Priority, r[1].Priority, r[2].Priority, r[3].Priority, r[4].Priority, r[5].Priority},
		[]vocab.Priority{vocab.Urgent, vocab.Normal, vocab.Low, vocab.High, vocab.Normal, vocab.Normal})
	if !strings.Contains(r[5].Warning, `unknown PRIORITY "soon"`) {
		t.Errorf("warning for an unknown priority = %q", r[5].Warning)
	}
	for i := 0; i < 5; i++ {
		if r[i].Warning != "" {
			t.Errorf("row %d: unexpected warning %q", r[i].Line, r[i].Warning)
		}
	}
	equal(t, "hierarchy of row 1", r[0].Hierarchy, []string{"EMEA", "Finance"})
	equal(t, "hierarchy of row 2", r[1].Hierarchy, []string(nil))
	equal(t, "hierarchy of row 7 (blanks dropped, extra cells kept)", r[5].Hierarchy, []string{"Ops", "extra", "beyond"})
	equal(t, "raw PO as written", r[5].Raw, " pm_0012345 ")
	equal(t, "cells carried", r[5].Cells.Values(), []string{"fay", " pm_0012345 ", "soon", "", "", " ", "Ops", "extra", "beyond"})
	equal(t, "cells of a short row", r[1].Cells.Values(), []string{"bob", "4500000456"})
	equal(t, "cells past the row's end", r[1].Cells.At(8), Cell{})

	pos := in.POs()
	equal(t, "POs to fetch", views(pos), []rowView{{1, "4500000123", false, 0}, {2, "4500000456", false, 0}, {7, "0012345", false, 0}})
	if got, ok := in.Row(4); !ok || got.DuplicateOf != 1 {
		t.Errorf("Row(4) = %+v, %v", got, ok)
	}
	if _, ok := in.Row(3); ok {
		t.Error("Row(3) found a blank row")
	}
}

func TestReadXLSXHeaderVariants(t *testing.T) {
	for _, h := range []string{"PO_NUMBER", "PO", "PO Number", "po_number", " PO-Number ", "Po #", "PO No.", "po\u00a0number"} {
		b := newBook(t, "Sheet1").row("Sheet1", 1, "Other", h).row("Sheet1", 2, "x", "4500000123")
		in, err := Read(b.save("h.xlsx"))
		if err != nil {
			t.Errorf("header %q: %v", h, err)
			continue
		}
		if in.POColumn != 1 || in.Rows[0].PO != "4500000123" {
			t.Errorf("header %q: PO column %d, rows %+v", h, in.POColumn, views(in.Rows))
		}
	}
	// PO_NUMBER wins over a looser match wherever it is.
	b := newBook(t, "Sheet1").row("Sheet1", 1, "PO", "PO_NUMBER").row("Sheet1", 2, "111111", "222222")
	equal(t, "preferred PO column", mustRead(t, b.save("two.xlsx")).Rows[0].PO, "222222")
	// A PO-like header after the hierarchy marker is a folder level, not the PO.
	b = newBook(t, "Sheet1").row("Sheet1", 1, "Ref", HierarchyMarker, "PO").row("Sheet1", 2, "333333", "", "444444")
	_, err := Read(b.save("hier.xlsx"))
	if err == nil {
		t.Error("a PO column after the hierarchy marker was accepted")
	}
}

func TestReadXLSXNumericPOCells(t *testing.T) {
	b := newBook(t, "PO_Data")
	f := b.f
	b.row("PO_Data", 1, "PO_NUMBER")
	set := func(cell string, fn func() error) {
		t.Helper()
		if err := fn(); err != nil {
			t.Fatal(err)
		}
	}
	set("A2", func() error { return f.SetCellInt("PO_Data", "A2", 4500000101) })
	set("A3", func() error { return f.SetCellFloat("PO_Data", "A3", 4500000102, -1, 64) })
	set("A4", func() error { return f.SetCellDefault("PO_Data", "A4", "4.500000103E9") }) // as some writers store it
	set("A5", func() error { return f.SetCellDefault("PO_Data", "A5", "4500000104.0") })
	sci, _ := f.NewStyle(&excelizeStyle{CustomNumFmt: ptr("0.00E+00")})
	set("A6", func() error { return f.SetCellInt("PO_Data", "A6", 4500000105) })
	set("A6", func() error { return f.SetCellStyle("PO_Data", "A6", "A6", sci) })
	grouped, _ := f.NewStyle(&excelizeStyle{NumFmt: 3}) // #,##0
	set("A7", func() error { return f.SetCellInt("PO_Data", "A7", 4500000106) })
	set("A7", func() error { return f.SetCellStyle("PO_Data", "A7", "A7", grouped) })
	padded, _ := f.NewStyle(&excelizeStyle{CustomNumFmt: ptr("0000000000000")})
	set("A8", func() error { return f.SetCellInt("PO_Data", "A8", 4500000107) })
	set("A8", func() error { return f.SetCellStyle("PO_Data", "A8", "A8", padded) })
	set("A9", func() error { return f.SetCellStr("PO_Data", "A9", "0012345") })
	set("A10", func() error { return f.SetCellFloat("PO_Data", "A10", 4500000108.5, -1, 64) })
	in := mustRead(t, b.save("numbers.xlsx"))
	equal(t, "rows", views(in.Rows), []rowView{
		{1, "4500000101", false, 0},
		{2, "4500000102", false, 0},
		{3, "4500000103", false, 0},
		{4, "4500000104", false, 0},
		{5, "4500000105", false, 0},    // displayed 4.50E+09: the stored number is used
		{6, "4500000106", false, 0},    // displayed 4,500,000,106
		{7, "0004500000107", false, 0}, // the zero padding the operator sees is kept
		{8, "0012345", false, 0},
		{9, "", true, 0},
	})
	equal(t, "raw of a formatted cell is what Excel shows", in.Rows[5].Raw, "4,500,000,106")
}

func TestReadXLSXSheetChoice(t *testing.T) {
	b := newBook(t, "Notes").row("Notes", 1, "nothing here")
	if _, err := b.f.NewSheet("PO_Data"); err != nil {
		t.Fatal(err)
	}
	b.row("PO_Data", 1, "PO").row("PO_Data", 2, "4500000123")
	in := mustRead(t, b.save("named.xlsx"))
	equal(t, "sheet", in.Sheet, "PO_Data")

	b = newBook(t, "Secret").row("Secret", 1, "PO").row("Secret", 2, "111111")
	if _, err := b.f.NewSheet("List"); err != nil {
		t.Fatal(err)
	}
	b.row("List", 1, "PO").row("List", 2, "222222")
	b.f.SetActiveSheet(1) // Excel cannot hide the active sheet
	if err := b.f.SetSheetVisible("Secret", false); err != nil {
		t.Fatal(err)
	}
	in = mustRead(t, b.save("hidden.xlsx"))
	equal(t, "first visible sheet", in.Sheet, "List")
	equal(t, "PO from first visible sheet", in.Rows[0].PO, "222222")

	b = newBook(t, "Other").row("Other", 1, "PO").row("Other", 2, "111111")
	if _, err := b.f.NewSheet("po_data"); err != nil {
		t.Fatal(err)
	}
	b.row("po_data", 1, "PO").row("po_data", 2, "333333")
	equal(t, "PO_Data in any case", mustRead(t, b.save("case.xlsx")).Sheet, "po_data")
}

func TestReadXLSXTitleRowsAboveHeader(t *testing.T) {
	b := newBook(t, "PO_Data")
	b.row("PO_Data", 1, "Open POs, March")
	b.row("PO_Data", 3, "Vendor", "PO Number")
	b.row("PO_Data", 4, "Acme", "4500000123")
	b.row("PO_Data", 6, "Bolt", "4500000124")
	in := mustRead(t, b.save("title.xlsx"))
	equal(t, "header row", in.HeaderRow, 3)
	equal(t, "preamble rows", len(in.Preamble), 1)
	equal(t, "preamble row", in.Preamble[0].SheetRow, 1)
	equal(t, "preamble cells", in.Preamble[0].Cells.Slice(), []Cell{{"Open POs, March", Text, nil}})
	equal(t, "rows", views(in.Rows), []rowView{{1, "4500000123", false, 0}, {3, "4500000124", false, 0}})
	equal(t, "sheet row of line 3", in.SheetRow(3), 6)
}

// Cells keep what the workbook stores: type, raw value and number format,
// so the results carry dates as dates. Only the cells that become text (the
// header, the PO and the hierarchy cells) are read as Excel shows them.
func TestReadXLSXTypedCells(t *testing.T) {
	b := newBook(t, "PO_Data")
	b.row("PO_Data", 1, "PO", "Date", "DateTime", "Percent", "Sci", "Text format", "Big", "Bool", HierarchyMarker, "Month", "Year")
	b.row("PO_Data", 2, 4500000123, 45351, 45351.5729166667, 0.125, 4500000123, 42, 12345678901234567, true, "", 45351, 2024)
	styles := map[string]*excelizeStyle{"B": {NumFmt: 14}, "C": {NumFmt: 22}, "D": {NumFmt: 10},
		"E": {CustomNumFmt: ptr("0.00E+00")}, "F": {NumFmt: 49}, "J": {CustomNumFmt: ptr("mmm yyyy")}, "A": {NumFmt: 3}}
	for col, st := range styles {
		id, err := b.f.NewStyle(st)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.f.SetCellStyle("PO_Data", col+"2", col+"2", id); err != nil {
			t.Fatal(err)
		}
	}
	in := mustRead(t, b.save("formats.xlsx"))
	r := in.Rows[0]
	equal(t, "cells", r.Cells.Slice(), []Cell{
		{"4500000123", Number, &NumFormat{ID: 3}},
		{"45351", Number, &NumFormat{ID: 14}},
		{"45351.5729166667", Number, &NumFormat{ID: 22}},
		{"0.125", Number, &NumFormat{ID: 10}},
		{"4500000123", Number, &NumFormat{Code: "0.00E+00"}},
		{"42", Number, &NumFormat{ID: 49}},
		{"12345678901234567", Number, nil},
		{"1", Bool, nil},
		{},
		{"45351", Number, &NumFormat{Code: "mmm yyyy"}},
		{"2024", Number, nil},
	})
	equal(t, "PO as Excel shows it", r.Raw, "4,500,000,123")
	equal(t, "PO from the stored number", r.PO, "4500000123")
	equal(t, "hierarchy as Excel shows it", r.Hierarchy, []string{"Feb 2024", "2024"})
}
