package sheet

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchInputDates writes a 100,000-row workbook the way Excel users keep
// them: typed cells, a date column with a date format, an amount with a
// currency format, text elsewhere.
func benchInputDates(b *testing.B, name string) string {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	money, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("#,##0.00 [$€-x-euro2]")})
	header := []any{"Requester", "PO_NUMBER", "Ordered", "Amount", "PRIORITY", "Comment", HierarchyMarker, "Region", "Dept"}
	if err := sw.SetRow("A1", header); err != nil {
		b.Fatal(err)
	}
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	prios := []string{"", "urgent", "high", "normal", "low"}
	for i := range benchRows {
		row := []any{"user" + strconv.Itoa(i%50), 4_510_000_000 + i%97_000,
			excelize.Cell{StyleID: date, Value: day.AddDate(0, 0, i%700)},
			excelize.Cell{StyleID: money, Value: float64(i%5000) + 0.25}, prios[i%5],
			"comment for row " + strconv.Itoa(i), nil, "Region" + strconv.Itoa(i%7), "Dept" + strconv.Itoa(i%13)}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), name)
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchInputShared is benchInput the way Excel saves it: texts in the
// shared strings, PO numbers as numbers.
func benchInputShared(b *testing.B, name string) string {
	index := map[string]int{}
	var order []string
	ref := func(s string) string {
		i, ok := index[s]
		if !ok {
			i = len(order)
			index[s] = i
			order = append(order, s)
		}
		return `<c t="s"><v>` + strconv.Itoa(i) + `</v></c>`
	}
	prios := []string{"", "urgent", "high", "normal", "low"}
	var sheet strings.Builder
	sheet.WriteString(`<row>`)
	for _, h := range []string{"Requester", "PO_NUMBER", "Amount", "PRIORITY", "Comment", HierarchyMarker, "Region", "Dept"} {
		sheet.WriteString(ref(h))
	}
	sheet.WriteString(`</row>`)
	for i := range benchRows {
		sheet.WriteString(`<row>` + ref("user"+strconv.Itoa(i%50)) + `<c><v>` + strconv.Itoa(4_510_000_000+i%97_000) + `</v></c>` +
			`<c><v>` + strconv.Itoa(i%5000) + `.25</v></c>`)
		if p := prios[i%5]; p != "" {
			sheet.WriteString(ref(p))
		} else {
			sheet.WriteString(`<c/>`)
		}
		sheet.WriteString(ref("comment for row "+strconv.Itoa(i)) + `<c/>` + ref("Region"+strconv.Itoa(i%7)) + ref("Dept"+strconv.Itoa(i%13)) + `</row>`)
	}
	return writePackage(b, name, func(w *bufio.Writer) error {
		_, err := w.WriteString(sheet.String())
		return err
	}, func(w *bufio.Writer) error {
		for _, s := range order {
			if _, err := w.WriteString("<si><t>" + s + "</t></si>"); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkRead100kWorkbook reads a 100,000-row workbook: text only (as
// excelize's stream writer and WriteInput write it: inline strings; and as
// Excel saves it: shared strings), and with typed date and amount columns. Besides time per read it reports
// peak-MB, the peak RSS of one read in a fresh process.
func BenchmarkRead100kWorkbook(b *testing.B) {
	for _, c := range []struct {
		name string
		make func(*testing.B, string) string
	}{{"text", benchInput}, {"text-shared-strings", benchInputShared}, {"dates", benchInputDates}} {
		b.Run(c.name, func(b *testing.B) {
			path := c.make(b, c.name+".xlsx")
			defer reportPeakRSS(b, path, benchRows) // runs last: ResetTimer drops metrics
			b.ReportAllocs()
			b.ResetTimer()
			defer reportCPU(b)()
			readLoop(b, path)
		})
	}
}

// BenchmarkReadHostile reads workbooks built to exhaust memory; peak-MB is
// the peak RSS of one read in a fresh process, refused or not.
func BenchmarkReadHostile(b *testing.B) {
	for _, c := range []struct {
		name string
		make func(*testing.B) string
	}{
		{"strings-300MB", func(b *testing.B) string { return stringsBomb(b, 300) }},
		{"strings-1000MB", func(b *testing.B) string { return stringsBomb(b, 1000) }},
		{"references-100kx10", func(b *testing.B) string { return referenceBomb(b, 100_000, 10) }},
		{"shared-strings-100kx10", func(b *testing.B) string { return manySharedStrings(b, 100_000, 10) }},
		{"numbers-100kx100", func(b *testing.B) string { return denseNumbers(b, 100_000, 100) }},
		{"columns-100x16373", func(b *testing.B) string { return denseNumbers(b, 100, 16_373) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			path := c.make(b)
			st, _ := os.Stat(path)
			b.Logf("%s: %d KB on disk", filepath.Base(path), st.Size()/1000)
			b.ResetTimer()
			for b.Loop() {
				res := readInChild(b, path)
				b.ReportMetric(float64(res.PeakRSS)/1e6, "peak-MB")
				b.ReportMetric(float64(res.CPU.Milliseconds()), "child-cpu-ms")
				b.Logf("rows %d, error %.200q, %v", res.Rows, res.Err, res.Elapsed)
			}
		})
	}
}
