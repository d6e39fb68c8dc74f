package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"coupatui/vocab"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/read")

// goldenFixtures are the workbooks whose reading is kept whole in
// testdata/read/<name>.json: every type and number format, strings of
// every kind, sheet choice, a streamed workbook, and packages written the
// way other producers write them. They were the differential fixtures of
// the package's former hand-written reader; each file was checked by hand
// when written (go test -run TestReadGolden -update).
func goldenFixtures() map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"types and formats": func(t *testing.T) string {
			b := newBook(t, "PO_Data")
			f := b.f
			b.row("PO_Data", 1, "Title above the header")
			b.row("PO_Data", 3, "PO_NUMBER", "Text", "Int", "Float", "Bool", "Date", "DateTime", "Money", "Percent", "Sci", "Padded", "Custom date", "At", "PRIORITY", HierarchyMarker, "L1", "L2")
			style := func(s *excelize.Style) int {
				id, err := f.NewStyle(s)
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
			styles := map[string]int{
				"F": style(&excelize.Style{NumFmt: 14}),
				"G": style(&excelize.Style{NumFmt: 22}),
				"H": style(&excelize.Style{NumFmt: 8}),
				"I": style(&excelize.Style{NumFmt: 10}),
				"J": style(&excelize.Style{CustomNumFmt: ptr("0.00E+00")}),
				"K": style(&excelize.Style{CustomNumFmt: ptr("0000000000000")}),
				"L": style(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")}),
				"M": style(&excelize.Style{NumFmt: 49}),
			}
			day := time.Date(2024, 2, 29, 13, 45, 0, 0, time.UTC)
			for i := 0; i < 12; i++ {
				r := 4 + i
				if i == 5 {
					continue // a blank row
				}
				b.row("PO_Data", r, 4500000100+i, "text "+strings.Repeat("é", i), i*7, float64(i)/3, i%2 == 0,
					day.AddDate(0, 0, i), day.Add(time.Duration(i)*time.Hour), float64(i)*1234.5, float64(i)/8,
					4500000100+i, 4500000100+i, day.AddDate(0, i, 0), i, []string{"", "urgent", "low", "odd"}[i%4], "", "R"+string(rune('A'+i)), "")
				for col, id := range styles {
					if err := f.SetCellStyle("PO_Data", col+itoa(r), col+itoa(r), id); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := f.SetCellFormula("PO_Data", "R4", `"x"&"y"`); err != nil {
				t.Fatal(err)
			}
			return b.save("types.xlsx")
		},
		"strings": func(t *testing.T) string {
			b := newBook(t, "Sheet1")
			b.row("Sheet1", 1, "PO", "Note")
			notes := []string{"<&>\"'", "line\nbreak", "  spaced  ", "tab\there", "_x0041_ literal", "back\bspace",
				"emoji 🚚", "日本語", "", "a\r\nb", strings.Repeat("long ", 20000)}
			for i, n := range notes {
				b.row("Sheet1", i+2, "PO"+itoa(4500000000+i), n)
			}
			if err := b.f.SetCellRichText("Sheet1", "B20", []excelize.RichTextRun{
				{Text: "bold ", Font: &excelize.Font{Bold: true}}, {Text: "plain"}}); err != nil {
				t.Fatal(err)
			}
			b.row("Sheet1", 20, "4500009999")
			b.row("Sheet1", 25, "4500009998", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "far right")
			return b.save("strings.xlsx")
		},
		"sheets": func(t *testing.T) string {
			b := newBook(t, "Cover").row("Cover", 1, "nothing")
			for _, name := range []string{"Data", "po_data"} {
				if _, err := b.f.NewSheet(name); err != nil {
					t.Fatal(err)
				}
				b.row(name, 1, "PO").row(name, 2, name+"-123456").row(name, 3, "123456")
			}
			return b.save("sheets.xlsx")
		},
		"streamed": func(t *testing.T) string {
			path := t.TempDir() + "/streamed.xlsx"
			rows := make([][]string, 30)
			for i := range rows {
				rows[i] = []string{"PO-" + itoa(4500000000+i%25), "x" + itoa(i), "", itoa(i)}
			}
			if err := WriteInput(path, []string{"PO_NUMBER", "A", "B", "C"}, rows); err != nil {
				t.Fatal(err)
			}
			return path
		},
		"hand written": func(t *testing.T) string {
			return writeFile(t, "hand.xlsx", handWrittenXLSX(t, sharedStringsPart))
		},
		"row numbered 0": func(t *testing.T) string { return writeFile(t, "row0.xlsx", rowZeroXLSX(t)) },
	}
}

func TestReadGolden(t *testing.T) {
	for name, make := range goldenFixtures() {
		t.Run(name, func(t *testing.T) {
			got := goldenText(t, mustRead(t, make(t)))
			golden := filepath.Join("testdata", "read", strings.ReplaceAll(name, " ", "-")+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (write it with -update and check it by hand)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Read differs from %s:\n%s", golden, lineDiff(string(want), string(got)))
			}
		})
	}
}

// goldenText renders an Input for a golden file: JSON, one cell per
// string: kind, value quoted, number format.
func goldenText(t *testing.T, in *Input) []byte {
	cells := func(row Cells) []string {
		cs := row.Slice()
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Kind.String() + " " + strconv.Quote(c.Value)
			if c.Format != nil {
				out[i] += fmt.Sprintf(" format{%d %q}", c.Format.ID, c.Format.Code)
			}
		}
		return out
	}
	type row struct {
		Line        int
		Raw, PO     string
		Invalid     bool   `json:",omitempty"`
		Problem     string `json:",omitempty"`
		DuplicateOf int    `json:",omitempty"`
		Priority    string `json:",omitempty"` // "" for normal, the default
		Hierarchy   []string
		Cells       []string
		Warning     string `json:",omitempty"`
	}
	type preamble struct {
		SheetRow int
		Cells    []string
	}
	view := struct {
		Sheet     string
		Columns   []string
		HeaderRow int
		POColumn  int
		Date1904  bool
		Preamble  []preamble
		Rows      []row
	}{Sheet: in.Sheet, Columns: in.Columns, HeaderRow: in.HeaderRow, POColumn: in.POColumn, Date1904: in.Date1904}
	for _, p := range in.Preamble {
		view.Preamble = append(view.Preamble, preamble{p.SheetRow, cells(p.Cells)})
	}
	for _, r := range in.Rows {
		prio := strings.ToLower(r.Priority.String())
		if r.Priority == vocab.Normal {
			prio = ""
		}
		view.Rows = append(view.Rows, row{r.Line, r.Raw, r.PO, r.Invalid, r.Problem, r.DuplicateOf, prio, r.Hierarchy, cells(r.Cells), r.Warning})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "\t")
	if err := enc.Encode(view); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lineDiff shows the first lines where two texts differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < max(len(w), len(g)) && len(out) < 20; i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			out = append(out, "line "+itoa(i+1)+":\n  want "+a+"\n   got "+b)
		}
	}
	return strings.Join(out, "\n")
}

// handWrittenXLSX is a package the way other producers write them:
// namespace prefixes, cells without references, CDATA, comments, entity
// references, phonetic runs, inline and formula strings, 1904 dates,
// single-quoted attributes holding '>', the shared strings in the part sst.
func handWrittenXLSX(t *testing.T, sst string) []byte {
	t.Helper()
	const ns = `xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/` + sst + `" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/` + sst + `"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?>
<x:workbook ` + ns + `><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Liste &amp; POs" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>`,
		"xl/styles.xml": `<?xml version="1.0" encoding="UTF-8"?>
<x:styleSheet ` + ns + `><x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="yyyy/mm/dd"/></x:numFmts><x:cellXfs count="2"><x:xf numFmtId="0"/><x:xf numFmtId="164" applyNumberFormat="1"/></x:cellXfs></x:styleSheet>`,
		sst: `<?xml version="1.0" encoding="UTF-8"?>
<!-- written by hand -->
<x:sst ` + ns + ` count="4" uniqueCount="4"><x:si><x:t>PO Number</x:t></x:si><x:si><x:r><x:t xml:space="preserve">Tōkyō </x:t></x:r><x:r><x:t>Office</x:t></x:r><x:rPh sb="0" eb="2"><x:t>トウキョウ</x:t></x:rPh></x:si><x:si><x:t><![CDATA[<raw & ready>]]></x:t></x:si><x:si/></x:sst>`,
		"xl/worksheets/data.xml": `<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet ` + ns + `><x:sheetViews><x:sheetView workbookViewId='0' note='a > b'/></x:sheetViews><x:sheetData>
<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="inlineStr"><x:is><x:t>Note</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>When</x:t></x:is></x:c></x:row>
<x:row r="3"><x:c r="A3"><x:v>4500000123</x:v></x:c><x:c r="B3" t="s"><x:v>1</x:v></x:c><x:c r="C3" s="1"><x:v>45000</x:v></x:c></x:row>
<!-- a comment between rows -->
<x:row r="4"><x:c t="str"><x:f>"PO"&amp;"4500000124"</x:f><x:v>PO4500000124</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row>
<x:row r="5"><x:c r="A5" t="inlineStr"><x:is><x:t>&#80;&#x4F;-4500000125</x:t></x:is></x:c><x:c r="B5" t="s"><x:v>3</x:v></x:c><x:c r="C5" t="b"><x:v>1</x:v></x:c><x:c r="D5"/></x:row>
<x:row r="6" spans="1:3"/>
<x:row r="7"><x:c r="A7" t="inlineStr"><x:is><x:t>4.500000126E9</x:t></x:is></x:c><x:c r="B7"><x:v>4.500000126E9</x:v></x:c></x:row>
</x:sheetData></x:worksheet>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHandWrittenXLSX(t *testing.T) {
	in := mustRead(t, writeFile(t, "hand.xlsx", handWrittenXLSX(t, sharedStringsPart)))
	equal(t, "sheet", in.Sheet, "Liste & POs")
	equal(t, "columns", in.Columns, []string{"PO Number", "Note", "When"})
	equal(t, "1904 dates", in.Date1904, true)
	equal(t, "rows", views(in.Rows), []rowView{{2, "4500000123", false, 0}, {3, "4500000124", false, 0}, {4, "4500000125", false, 0}, {6, "", true, 0}})
	date := &NumFormat{Code: "yyyy/mm/dd"}
	equal(t, "row 2", in.Rows[0].Cells.Slice(), []Cell{{"4500000123", Number, nil}, {"Tōkyō Office", Text, nil}, {"45000", Number, date}})
	equal(t, "row 3", in.Rows[1].Cells.Slice(), []Cell{{"PO4500000124", Text, nil}, {"<raw & ready>", Text, nil}, {"#N/A", Error, nil}})
	equal(t, "row 4", in.Rows[2].Cells.Slice(), []Cell{{"PO-4500000125", Text, nil}, {}, {"1", Bool, nil}})
	equal(t, "row 6", in.Rows[3].Cells.Slice(), []Cell{{"4.500000126E9", Text, nil}, {"4.500000126E9", Number, nil}})
}

// Excelize reads the shared strings from xl/sharedStrings.xml only, which
// is where Excel and every other producer we know put them. A package
// holding them elsewhere must be refused, not read with its strings
// missing.
func TestReadSharedStringsElsewhere(t *testing.T) {
	path := writeFile(t, "strings.xlsx", handWrittenXLSX(t, "xl/strings.xml"))
	in, err := Read(path)
	if err == nil {
		t.Fatalf("read with its shared strings elsewhere: %+v", in.Rows)
	}
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), quote(path)) {
		t.Errorf("error = %v", err)
	}
	t.Log(err)
}

// Characters XML cannot hold come escaped as _xHHHH_ (ECMA-376 Part 1,
// 22.9.2.19), "_x005F_" being a literal "_".
func TestReadOOXMLEscapes(t *testing.T) {
	cases := map[string]string{
		"plain":              "plain",
		"a_x000D_b":          "a\rb",
		"_x005F_x0041_":      "_x0041_",
		"_x0041__x0042_":     "AB",
		"_xZZZZ_":            "_xZZZZ_",
		"ends with _x00":     "ends with _x00",
		"_x0008_":            "\b",
		"mixed _x_ _x0041 x": "mixed _x_ _x0041 x",
	}
	b := newBook(t, "PO_Data").row("PO_Data", 1, "PO", "Escaped")
	var order []string
	for raw := range cases {
		order = append(order, raw)
	}
	for i, raw := range order {
		b.row("PO_Data", i+2, itoa(4500000000+i))
		if err := b.f.SetCellDefault("PO_Data", "B"+itoa(i+2), raw); err != nil { // as written, unescaped by no one
			t.Fatal(err)
		}
	}
	in := mustRead(t, b.save("escapes.xlsx"))
	for i, raw := range order {
		if got := in.Rows[i].Cells.At(1).Value; got != cases[raw] {
			t.Errorf("%q read as %q, want %q", raw, got, cases[raw])
		}
	}
}

// FuzzRead reads arbitrary bytes as the sheet XML of a workbook: Read must
// return without panic, rows in increasing order, every row as wide as the
// header, and errors that say what is wrong.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`<row r="1"><c r="A1" t="inlineStr"><is><t>PO</t></is></c></row><row r="2"><c r="A2" t="s"><v>0</v></c><c t="inlineStr"><is><t>x</t></is></c></row>`))
	f.Add([]byte(`<row><c t="inlineStr"><is><t>PO</t></is></c><c r="XFD1"><v>1</v></c></row><row r="2"><c r="A2" s="1"><v>45000</v></c></row>`))
	f.Add([]byte(`<row r="9"><c r="B9" t="b"><v>1</v></c><c><f>1</f></c></row><row r="3"/>`))
	f.Add([]byte(`<row>0</v></c>`)) // an end tag without its start once indexed column 0
	f.Add([]byte(`<row><c r="B1"/></c><c><v>2</v></c></row>`))
	f.Add([]byte(`<row><c>0</v></c></row></row>`)) // a stray end tag once repeated the row
	f.Add([]byte(`<row r="1"><c t="inlineStr"><is><t>PO</t></is></c><c t="inlineStr"><is><t>&lt;|&gt;</t></is></c><c t="s"><v>0</v></c></row><row r="2"><c><v>123456</v></c></row><row r="3"><c><v>123457</v></c></row></sheetData><mergeCells><mergeCell ref="C1:C3"/></mergeCells><sheetData>`))
	f.Add([]byte(`<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>2</v></c></row>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := writePackage(t, "fuzz.xlsx", func(w *bufio.Writer) error {
			_, err := w.Write(data)
			return err
		}, func(w *bufio.Writer) error {
			_, err := w.WriteString(`<si><t>shared</t></si>`)
			return err
		})
		in, err := Read(path)
		if err != nil {
			var fe *fileError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), quote(path)) {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		checkRows(t, in)
	})
}

// rowZeroXLSX is a workbook whose header row is numbered 0, which excelize
// reads as the next row (the former hand-written reader refused it).
func rowZeroXLSX(t *testing.T) []byte {
	b := newBook(t, "PO_Data").row("PO_Data", 1, "PO_NUMBER").row("PO_Data", 2, "4500000123")
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		data := zipEntry(t, f)
		if !bytes.Contains(data, []byte(`<row r="1"`)) {
			t.Fatalf("unexpected sheet XML: %s", data)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(bytes.Replace(data, []byte(`<row r="1"`), []byte(`<row r="0"`), 1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// A Source reads the same Input again, whatever became of the file.
func TestSourceReadsTheSameInput(t *testing.T) {
	for name, make := range goldenFixtures() {
		t.Run(name, func(t *testing.T) {
			path := make(t)
			in, src, err := ReadSource(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte("changed"), 0o644); err != nil {
				t.Fatal(err)
			}
			again, err := src.Read()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(in, again) {
				t.Errorf("read again:\n%s", lineDiff(string(goldenText(t, in)), string(goldenText(t, again))))
			}
		})
	}
	path := writeFile(t, "pos.csv", []byte("PO_NUMBER,Note\n4500000001,a\n4500000002,b\n"))
	in, src, err := ReadSource(path)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	if again, err := src.Read(); err != nil || !reflect.DeepEqual(in, again) {
		t.Errorf("CSV read again: %v, equal %v", err, reflect.DeepEqual(in, again))
	}
}
