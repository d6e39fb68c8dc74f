package sheet

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"coupatui/vocab"
)

// roundTripInput is an input with a title row, own columns of several
// types, a duplicate, an invalid row, a blank row and a row left pending.
func roundTripInput(t *testing.T) *Input {
	t.Helper()
	b := newBook(t, "PO_Data")
	b.row("PO_Data", 1, "Open POs")
	b.row("PO_Data", 2, "Requester", "PO Number", "Amount", "Code", "PRIORITY", HierarchyMarker, "Region")
	b.row("PO_Data", 3, "ann", "PO-4500000001", 12.5, "0042", "high", "", "EMEA")
	b.row("PO_Data", 4, "bob", "4500000002", 7)
	// row 5 blank
	b.row("PO_Data", 6, "cat", "4500000001")
	b.row("PO_Data", 7, "dan", "oops")
	b.row("PO_Data", 8, "eve", 4500000003)
	return mustRead(t, b.save("input.xlsx"))
}

var processedAt = time.Date(2025, 3, 14, 15, 9, 26, 0, time.Local)

var roundTripOutcomes = map[int]Outcome{
	1: {Status: "COMPLETED", Supplier: "Acme GmbH", Found: 2, Downloaded: 2, Files: []string{"quote.pdf", "invoice (1).pdf"},
		Processed: processedAt, Folder: "/dl/Acme GmbH/PO4500000001_COMPLETED", URL: "https://coupa.example/order_headers/4500000001",
		Converted: []string{"RE Order.msg.pdf", "old.eml: not converted: not an e-mail"}},
	2: {Status: "FAILED", Found: 3, Downloaded: 0, Processed: processedAt.Add(90 * time.Second), Error: "HTTP 503 from the server"},
	5: {Status: "COMPLETED", Found: 9}, // an invalid row's outcome is never shown
}

func TestWriteResultsRoundTrip(t *testing.T) {
	in := roundTripInput(t)
	inputHash := hashFile(t, in.Path)
	out := writeResults(t, in, roundTripOutcomes)
	if hashFile(t, in.Path) != inputHash {
		t.Error("writing results changed the input file")
	}
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "header row", res.HeaderRow, 2)
	equal(t, "columns", res.Columns, append([]string{"Requester", "PO Number", "Amount", "Code", "PRIORITY", HierarchyMarker, "Region"}, ResultColumns...))
	var lines []int
	for _, r := range res.Rows {
		lines = append(lines, r.Line)
	}
	equal(t, "lines", lines, []int{1, 2, 4, 5, 6})

	first := roundTripOutcomes[1]
	byLine := func(line int) ResultRow {
		for _, r := range res.Rows {
			if r.Line == line {
				return r
			}
		}
		t.Fatalf("no results row for line %d", line)
		return ResultRow{}
	}
	r1 := byLine(1)
	equal(t, "line 1 outcome", r1.Outcome, first)
	equal(t, "line 1 PO_NUMBER", r1.PO, "4500000001")
	equal(t, "line 1 carried cells", r1.Cells[:7], []string{"ann", "PO-4500000001", "12.5", "0042", "high", "", "EMEA"})

	r2 := byLine(2)
	equal(t, "line 2 outcome", r2.Outcome, roundTripOutcomes[2])

	dup := byLine(4)
	want := first
	want.Error = "duplicate of row 3 (fetched once)"
	equal(t, "duplicate mirrors its first row", dup.Outcome, want)
	equal(t, "duplicate PO", dup.PO, "4500000001")

	bad := byLine(5)
	equal(t, "invalid status", bad.Outcome.Status, vocab.InvalidPO)
	equal(t, "invalid counts left blank", bad.Cells[10:12], []string{"", ""})
	if !strings.Contains(bad.Outcome.Error, `not a PO number: "oops"`) {
		t.Errorf("invalid row message = %q", bad.Outcome.Error)
	}
	equal(t, "invalid PO_NUMBER keeps what was written", bad.PO, "oops")

	pending := byLine(6)
	equal(t, "pending outcome", pending.Outcome, Outcome{Status: vocab.Pending})
	equal(t, "pending PO", pending.PO, "4500000003")

	checkWorkbookFormat(t, out, in)
}

// checkWorkbookFormat looks at the workbook as Excel shows it: one sheet,
// title row kept, bold frozen header, autofilter, widths, cell types.
func checkWorkbookFormat(t *testing.T, path string, in *Input) {
	t.Helper()
	f := openBook(t, path)
	equal(t, "sheets", f.GetSheetList(), []string{DataSheet})
	cell := func(ref string) string {
		v, err := f.GetCellValue(DataSheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	typ := func(ref string) excelize.CellType {
		ct, err := f.GetCellType(DataSheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return ct
	}
	isNumber := func(ref string) bool {
		ct := typ(ref)
		return ct == excelize.CellTypeUnset || ct == excelize.CellTypeNumber
	}
	equal(t, "title row carried", cell("A1"), "Open POs")
	// Columns: A Requester, B PO Number, C Amount, D Code, E PRIORITY, F <|>, G Region,
	// H PO_NUMBER, I STATUS, J SUPPLIER, K FOUND, L DOWNLOADED, M AttachmentName,
	// N LAST_PROCESSED, O ERROR_MESSAGE, P DOWNLOAD_FOLDER, Q COUPA_URL, R CONVERTED.
	equal(t, "header H2", cell("H2"), ColPONumber)
	equal(t, "header Q2", cell("Q2"), ColURL)
	equal(t, "header R2", cell("R2"), ColConverted)
	for _, ref := range []string{"C3", "C4", "K3", "L3", "B8"} {
		if !isNumber(ref) {
			t.Errorf("%s (%q) is not a number: type %v", ref, cell(ref), typ(ref))
		}
	}
	for _, ref := range []string{"D3", "B3", "H3", "H8"} {
		if isNumber(ref) {
			t.Errorf("%s (%q) should be text", ref, cell(ref))
		}
	}
	equal(t, "PO numbers stay whole", cell("B8"), "4500000003")
	equal(t, "leading zeros kept", cell("D3"), "0042")
	equal(t, "LAST_PROCESSED shown as a date-time", cell("N3"), processedAt.Format("2006-01-02 15:04:05"))
	if isNumber("N3") == false {
		t.Error("LAST_PROCESSED is not an Excel date-time (number)")
	}
	equal(t, "files joined", cell("M3"), "quote.pdf; invoice (1).pdf")

	style, err := f.GetCellStyle(DataSheet, "I2")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header is not bold: %+v, %v", st, err)
	}
	panes, err := f.GetPanes(DataSheet)
	if err != nil || !panes.Freeze || panes.YSplit != in.HeaderRow || panes.TopLeftCell != "A3" {
		t.Errorf("header not frozen: %+v, %v", panes, err)
	}
	found := false
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && strings.HasSuffix(dn.RefersTo, "$A$2:$R$8") {
			found = true
		}
	}
	if !found {
		t.Errorf("no autofilter over A2:R8: %+v", f.GetDefinedName())
	}
	wErr, _ := f.GetColWidth(DataSheet, "O")
	wCode, _ := f.GetColWidth(DataSheet, "D")
	if wErr <= wCode || wErr > maxColWidth || wCode < minColWidth {
		t.Errorf("widths: ERROR_MESSAGE %v, Code %v", wErr, wCode)
	}
	checkColsAscending(t, path)
}

// checkColsAscending reads the sheet XML: Excel rejects a file whose <col>
// elements are not in ascending order.
func checkColsAscending(t *testing.T, path string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if zf.Name != "xl/worksheets/sheet1.xml" {
			continue
		}
		data := zipEntry(t, zf)
		last := 0
		matches := regexp.MustCompile(`<col min="(\d+)"`).FindAllSubmatch(data, -1)
		if len(matches) == 0 {
			t.Error("no column widths written")
		}
		for _, m := range matches {
			n, _ := strconv.Atoi(string(m[1]))
			if n <= last {
				t.Fatalf("<col> elements out of order: %d after %d", n, last)
			}
			last = n
		}
		return
	}
	t.Fatal("no sheet1.xml in the results")
}

func TestWriteResultsReusesInputResultColumns(t *testing.T) {
	// An earlier run's results fed back as input: its PO_NUMBER and STATUS
	// columns are reused, not repeated.
	b := newBook(t, "PO_Data")
	b.row("PO_Data", 1, "po_number", "Status ", "Note")
	b.row("PO_Data", 2, "PO-4500000001", "FAILED", "keep me")
	b.row("PO_Data", 3, "4500000002", "COMPLETED", "")
	in := mustRead(t, b.save("again.xlsx"))
	out := writeResults(t, in, map[int]Outcome{1: {Status: "COMPLETED", Found: 1, Downloaded: 1}})
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "columns", res.Columns, append([]string{"po_number", "Status ", "Note"}, ResultColumns[2:]...))
	equal(t, "own PO cell kept as written", res.Rows[0].PO, "PO-4500000001")
	equal(t, "status rewritten", res.Rows[0].Outcome.Status, "COMPLETED")
	equal(t, "own cell kept", res.Rows[0].Cells[2], "keep me")
	equal(t, "row without outcome", res.Rows[1].Outcome.Status, vocab.Pending)
}

func TestWriteResultsFromCSV(t *testing.T) {
	path := writeFile(t, "pos.csv", []byte("PO;Amount\n4500000001;1,5\n\n4500000002;3\n"))
	in := mustRead(t, path)
	out := writeResults(t, in, map[int]Outcome{3: {Status: "NO_ATTACHMENTS"}})
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "lines", []int{res.Rows[0].Line, res.Rows[1].Line}, []int{1, 3})
	equal(t, "statuses", []vocab.Status{res.Rows[0].Outcome.Status, res.Rows[1].Outcome.Status}, []vocab.Status{vocab.Pending, vocab.NoAttachments})
	equal(t, "text with a decimal comma stays text", res.Rows[0].Cells[1], "1,5")
}

func TestWriteResultsTimeZoneAndLongCells(t *testing.T) {
	in := mustRead(t, writeFile(t, "pos.csv", []byte("PO\n4500000001\n")))
	when := time.Date(2025, 1, 2, 3, 4, 5, 600_000_000, time.FixedZone("UTC+5", 5*3600))
	long := strings.Repeat("x", 40_000)
	out := writeResults(t, in, map[int]Outcome{1: {Status: "COMPLETED", Processed: when, Error: long}})
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	got := res.Rows[0].Outcome
	if !got.Processed.Equal(when.Round(time.Second)) {
		t.Errorf("LAST_PROCESSED = %v, want %v (local wall clock)", got.Processed, when.Round(time.Second).Local())
	}
	if len(got.Error) != 32767 || !strings.HasPrefix(long, got.Error) {
		t.Errorf("long ERROR_MESSAGE read back with %d characters, want Excel's 32767", len(got.Error))
	}
}

func TestWriteResultsRefusesInputAndOtherTypes(t *testing.T) {
	in := roundTripInput(t)
	before := hashFile(t, in.Path)
	link := filepath.Join(t.TempDir(), "link.xlsx")
	if err := os.Symlink(in.Path, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{in.Path, link} {
		err := WriteResults(path, in, nil)
		if !errors.Is(err, ErrSameFile) {
			t.Errorf("WriteResults(%s) = %v, want ErrSameFile", path, err)
		} else if !strings.Contains(err.Error(), path) {
			t.Errorf("message does not name %s: %v", path, err)
		}
	}
	if err := WriteResults(filepath.Join(t.TempDir(), "r.csv"), in, nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("results as .csv: %v, want ErrUnsupported", err)
	}
	if hashFile(t, in.Path) != before {
		t.Error("the input file changed")
	}
	if err := WriteResults(filepath.Join(t.TempDir(), "r.xlsx"), nil, nil); err == nil {
		t.Error("nil input accepted")
	}
}

func TestWriteResultsIsAtomic(t *testing.T) {
	in := roundTripInput(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "results.xlsx")
	if err := WriteResults(out, in, nil); err != nil {
		t.Fatal(err)
	}
	old := hashFile(t, out)
	checkUntouched := func(what string) {
		t.Helper()
		if hashFile(t, out) != old {
			t.Errorf("%s: the old results file changed", what)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("%s: files left beside the results: %v", what, names)
		}
	}

	// A failure after the temporary file is complete, just before the rename.
	var sawTemp string
	testHookBeforeRename = func(tmp string) error {
		sawTemp = tmp
		if _, err := os.Stat(tmp); err != nil {
			t.Errorf("temporary file missing before rename: %v", err)
		}
		return errors.New("disk on fire")
	}
	t.Cleanup(func() { testHookBeforeRename = nil })
	err := WriteResults(out, in, roundTripOutcomes)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), out) {
		t.Errorf("error = %v", err)
	}
	if filepath.Dir(sawTemp) != dir {
		t.Errorf("temporary file %q is not in the results folder", sawTemp)
	}
	checkUntouched("failed rename")
	testHookBeforeRename = nil

	// A failure while building the workbook: rows out of order.
	broken := *in
	broken.Rows = append([]Row{}, in.Rows...)
	broken.Rows[0], broken.Rows[1] = broken.Rows[1], broken.Rows[0]
	if err := WriteResults(out, &broken, nil); err == nil {
		t.Error("rows out of order were written")
	}
	checkUntouched("failed build")

	// A failure when the folder is gone creates nothing.
	gone := filepath.Join(dir, "missing", "results.xlsx")
	if err := WriteResults(gone, in, nil); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
	checkUntouched("missing folder")

	// And a good write replaces the file.
	if err := WriteResults(out, in, roundTripOutcomes); err != nil {
		t.Fatal(err)
	}
	if hashFile(t, out) == old {
		t.Error("a successful write did not replace the results")
	}
}

func TestAppendedRowIsWritten(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(input, []byte("Note;PO_NUMBER\nfirst;4500000001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := Read(input)
	if err != nil {
		t.Fatal(err)
	}
	line := in.Append("4500000777")
	if line != 2 {
		t.Fatalf("appended row got Line %d, want 2", line)
	}
	out := filepath.Join(dir, "out.xlsx")
	if err := WriteResults(out, in, map[int]Outcome{line: {Status: "PO_NOT_FOUND"}}); err != nil {
		t.Fatal(err)
	}
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	last := res.Rows[len(res.Rows)-1]
	if len(res.Rows) != 2 || last.PO != "4500000777" || last.Outcome.Status != "PO_NOT_FOUND" || last.Cells[0] != "" {
		t.Fatalf("rows %+v", res.Rows)
	}
}
