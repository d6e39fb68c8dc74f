package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The fast reader must read every workbook exactly as excelize does. Each
// fixture is read both ways and the results compared whole.
func TestFastReaderMatchesExcelize(t *testing.T) {
	fixtures := map[string]func(t *testing.T) string{
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
			rows := make([][]string, 300)
			for i := range rows {
				rows[i] = []string{"PO-" + itoa(4500000000+i%250), "x" + itoa(i), "", itoa(i)}
			}
			if err := WriteInput(path, []string{"PO_NUMBER", "A", "B", "C"}, rows); err != nil {
				t.Fatal(err)
			}
			return path
		},
	}
	for name, make := range fixtures {
		t.Run(name, func(t *testing.T) {
			path := make(t)
			fast, err := readXLSXFast(path)
			if err != nil {
				t.Fatalf("fast reader: %v", err)
			}
			slow, err := readXLSXExcelize(path)
			if err != nil {
				t.Fatalf("excelize reader: %v", err)
			}
			equal(t, "sheet", fast.Sheet, slow.Sheet)
			equal(t, "header row", fast.HeaderRow, slow.HeaderRow)
			equal(t, "columns", fast.Columns, slow.Columns)
			equal(t, "preamble", fast.Preamble, slow.Preamble)
			if len(fast.Rows) != len(slow.Rows) {
				t.Fatalf("fast read %d rows, excelize %d", len(fast.Rows), len(slow.Rows))
			}
			for i := range fast.Rows {
				equal(t, "row "+itoa(slow.Rows[i].Line), fast.Rows[i], slow.Rows[i])
			}
		})
	}
}

// handWrittenXLSX is a package the way other producers write them (excelize
// itself misreads its shared strings, so only the fast reader is checked):
// namespace prefixes, cells without references, CDATA, comments, entity
// references, phonetic runs, inline and formula strings, 1904 dates,
// single-quoted attributes holding '>'.
func handWrittenXLSX(t *testing.T) []byte {
	t.Helper()
	const ns = `xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/strings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?>
<x:workbook ` + ns + `><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Liste &amp; POs" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>`,
		"xl/styles.xml": `<?xml version="1.0" encoding="UTF-8"?>
<x:styleSheet ` + ns + `><x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="yyyy/mm/dd"/></x:numFmts><x:cellXfs count="2"><x:xf numFmtId="0"/><x:xf numFmtId="164" applyNumberFormat="1"/></x:cellXfs></x:styleSheet>`,
		"xl/strings.xml": `<?xml version="1.0" encoding="UTF-8"?>
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
	in := mustRead(t, writeFile(t, "hand.xlsx", handWrittenXLSX(t)))
	equal(t, "sheet", in.Sheet, "Liste & POs")
	equal(t, "columns", in.Columns, []string{"PO Number", "Note", "When"})
	equal(t, "rows", views(in.Rows), []rowView{{2, "4500000123", false, 0}, {3, "4500000124", false, 0}, {4, "4500000125", false, 0}, {6, "4500000126", false, 0}})
	equal(t, "row 2", in.Rows[0].Cells, []string{"4500000123", "Tōkyō Office", "2027/03/16"})
	equal(t, "row 3", in.Rows[1].Cells, []string{"PO4500000124", "<raw & ready>", "#N/A"})
	equal(t, "row 4", in.Rows[2].Cells, []string{"PO-4500000125", "", "TRUE"})
	equal(t, "row 6", in.Rows[3].Cells, []string{"4.500000126E9", "4500000126", ""})
}

func TestXMLScanner(t *testing.T) {
	long := strings.Repeat("a", 70_000) + "&amp;" + strings.Repeat("b", 70_000)
	doc := `<?xml version="1.0"?><!DOCTYPE x><p:root a='1 > 0' b="x&quot;y" p:c="z"><!-- <fake> --><v>1 &lt; 2 &#233;&#xE9; &bogus; &</v>` +
		`<t><![CDATA[<cdata>]]> tail</t><long>` + long + `</long><self/></p:root>`
	s := newXMLScanner(strings.NewReader(doc))
	type tok struct {
		end, self bool
		name      string
		text      string
	}
	var got []tok
	for {
		err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(s.name) == "root" && !s.end {
			a, _ := s.attr("a")
			b, _ := s.attr("b")
			c, _ := s.attr("c")
			_, missing := s.attr("d")
			equal(t, "attributes", []any{a, b, c, missing}, []any{"1 > 0", `x"y`, "z", false})
		}
		got = append(got, tok{s.end, s.selfClosing, string(s.name), string(s.text)})
	}
	want := []tok{
		{false, false, "root", ""},
		{false, false, "v", ""},
		{true, false, "v", "1 < 2 éé &bogus; &"},
		{false, false, "t", ""},
		{true, false, "t", "<cdata> tail"},
		{false, false, "long", ""},
		{true, false, "long", strings.ReplaceAll(long, "&amp;", "&")},
		{false, true, "self", ""},
		{true, false, "root", ""},
	}
	equal(t, "tokens", got, want)

	for _, bad := range []string{"<a", "<a b='>", "<a>text", "<!-- never closed", "<![CDATA[ open", "< >"} {
		s := newXMLScanner(strings.NewReader(bad))
		var err error
		for i := 0; i < 10 && err == nil; i++ {
			err = s.next()
		}
		if err == nil || err == io.EOF {
			t.Errorf("%q: no error (%v)", bad, err)
		}
	}
}

func TestUnescapeOOXML(t *testing.T) {
	for in, want := range map[string]string{
		"plain":              "plain",
		"a_x000D_b":          "a\rb",
		"_x005F_x0041_":      "_x0041_",
		"_x0041__x0042_":     "AB",
		"_xZZZZ_":            "_xZZZZ_",
		"ends with _x00":     "ends with _x00",
		"_x0008_":            "\b",
		"mixed _x_ _x0041 x": "mixed _x_ _x0041 x",
	} {
		if got := unescapeOOXML(in); got != want {
			t.Errorf("unescapeOOXML(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzScanSheet feeds arbitrary bytes to the worksheet scanner: it must
// return, without panic, rows in increasing order.
func FuzzScanSheet(f *testing.F) {
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<row><c r="XFD1"><v>1</v></c></row><row r="2"><c r="A2" s="1"><v>45000</v></c></row>`))
	f.Add([]byte(`<row r="9"><c r="B9" t="b"><v>1</v></c><c><f>1</f></c></row><row r="3"/>`))
	f.Add([]byte(`<row>0</v></c>`)) // an end tag without its start once indexed column 0
	f.Add([]byte(`<row><c r="B1"/></c><c><v>2</v></c></row>`))
	f.Add([]byte(`<row><c>0</v></c></row></row>`)) // a stray end tag once repeated the row
	f.Fuzz(func(t *testing.T, data []byte) {
		nf := &numberFormatter{xfNumFmt: []int{0, 14}}
		defer nf.Close()
		last := 0
		_ = scanSheet(bytes.NewReader(data), []string{"shared"}, nf, func(int) {}, func(r sheetRow) (bool, error) {
			if r.num <= last {
				t.Fatalf("row %d after %d", r.num, last)
			}
			last = r.num
			return true, nil
		})
	})
}

// A sheet the scanner refuses (a row numbered 0, which excelize reads as
// the next row) is still read, through excelize.
func TestReadFallsBackToExcelize(t *testing.T) {
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
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
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
	path := writeFile(t, "row0.xlsx", out.Bytes())
	if _, err := readXLSXFast(path); err == nil {
		t.Fatal("the scanner read row 0: the fallback is not exercised")
	}
	in := mustRead(t, path)
	equal(t, "rows", views(in.Rows), []rowView{{1, "4500000123", false, 0}})
}
