package sheet

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// Issue 11 item 3: past a limit, Read stops with one message naming the
// file and the limit, before memory runs out.
func TestReadRefusesPastLimits(t *testing.T) {
	inline := func(s string) string { return `<c t="inlineStr"><is><t>` + s + `</t></is></c>` }
	cases := []struct {
		name  string
		make  func(t *testing.T) string
		limit string // how the message names the limit
	}{
		{"shared strings unpacking past 200 MB", func(t *testing.T) string { return stringsBomb(t, 201) }, "200 MB"},
		{"cells using one long shared string", func(t *testing.T) string { return referenceBomb(t, 20_000, 10) }, "200 MB"},
		{"more shared strings than the limit", func(t *testing.T) string {
			lower(t, &maxSharedStrings, 1000)
			return writePackage(t, "many-strings.xlsx", func(w *bufio.Writer) error {
				_, err := w.WriteString(headerRow + `<row r="2"><c t="s"><v>1000</v></c></row>`)
				return err
			}, func(w *bufio.Writer) error { return repeat(w, "<si><t>x</t></si>", 1001) })
		}, "1,000 shared strings"},
		{"data below row 1,000,000", func(t *testing.T) string {
			return writePackage(t, "deep.xlsx", func(w *bufio.Writer) error {
				_, err := w.WriteString(headerRow + `<row r="2"><c><v>4500000001</v></c></row><row r="1000001"><c><v>4500000002</v></c></row>`)
				return err
			}, nil)
		}, "row 1,000,000"},
		{"more columns than the results can hold", func(t *testing.T) string {
			return writePackage(t, "wide.xlsx", func(w *bufio.Writer) error {
				w.WriteString(`<row r="1">` + inline("PO"))
				repeat(w, inline("col"), 16_374)
				_, err := w.WriteString(`</row><row r="2"><c><v>4500000001</v></c></row>`)
				return err
			}, nil)
		}, "16,373"},
		{"merged ranges past the limit", func(t *testing.T) string {
			lower(t, &maxMerges, 100)
			return writePackage(t, "merges.xlsx", func(w *bufio.Writer) error {
				w.WriteString(`<row r="1">` + inline("PO") + inline("&lt;|&gt;") + inline("Region") + `</row><row r="2"><c><v>4500000001</v></c></row></sheetData><mergeCells>`)
				for i := range 101 {
					fmt.Fprintf(w, `<mergeCell ref="C%d:C%d"/>`, 2*i+2, 2*i+3)
				}
				_, err := w.WriteString(`</mergeCells><sheetData>`)
				return err
			}, nil)
		}, "100 merged ranges"},
		{"CSV past 200 MB", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "huge.csv")
			if err := os.WriteFile(path, []byte("PO\n4500000001\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, 201<<20); err != nil { // sparse: no disk used
				t.Fatal(err)
			}
			return path
		}, "200 MB"},
		{"CSV with data below row 1,000,000", func(t *testing.T) string {
			return writeFile(t, "deep.csv", []byte("PO\n4500000001\n"+strings.Repeat("\n", 999_998)+"4500000002\n"))
		}, "row 1,000,000"},
		{"CSV wider than the results can hold", func(t *testing.T) string {
			return writeFile(t, "wide.csv", []byte("PO"+strings.Repeat(",x", 16_374)+"\n4500000001\n"))
		}, "16,373"},
		{"CSV wider than a sheet", func(t *testing.T) string {
			return writeFile(t, "wider.csv", []byte("PO\n4500000001"+strings.Repeat(",x", 70_000)+"\n"))
		}, "16,373"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.make(t)
			in, err := Read(path)
			if err == nil {
				t.Fatalf("read %d rows past the limit", len(in.Rows))
			}
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("error %v does not wrap ErrTooLarge", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, quote(path)) || !strings.Contains(msg, c.limit) || !strings.Contains(msg, "limit") {
				t.Errorf("message does not name the file and the limit %q: %s", c.limit, msg)
			}
			t.Log(msg)
		})
	}
}

// lower sets a limit for the length of a test.
func lower(t *testing.T, limit *int, to int) {
	old := *limit
	*limit = to
	t.Cleanup(func() { *limit = old })
}

// At the limits themselves, workbooks are read, and their results
// written (columns of changing widths once took excelize minutes).
func TestReadAtLimits(t *testing.T) {
	inline := func(s string) string { return `<c t="inlineStr"><is><t>` + s + `</t></is></c>` }
	path := writePackage(t, "at-limits.xlsx", func(w *bufio.Writer) error {
		w.WriteString(`<row r="1">` + inline("PO"))
		repeat(w, inline("c")+inline("a much longer header"), 8186)
		_, err := w.WriteString(`</row><row r="2"><c><v>4500000001</v></c></row><row r="1000000"><c><v>4500000002</v></c></row>`)
		return err
	}, nil)
	in := mustRead(t, path)
	equal(t, "columns", len(in.Columns), 16_373)
	equal(t, "rows", views(in.Rows), []rowView{{1, "4500000001", false, 0}, {999_999, "4500000002", false, 0}})
	out := filepath.Join(t.TempDir(), "results.xlsx")
	if err := WriteResults(out, in, nil); err != nil {
		t.Fatalf("the results of the widest input cannot be written: %v", err)
	}
}

// The counting reader stops at its budget whatever the source says.
func TestCountingReader(t *testing.T) {
	for _, size := range []int{0, 99, 100, 101, 5000} {
		cr := &countingReader{r: iotest.HalfReader(strings.NewReader(strings.Repeat("x", size))), left: 100}
		n, err := io.Copy(io.Discard, cr)
		if over := size > 100; over != errors.Is(err, errBudget) || (!over && err != nil) {
			t.Errorf("%d bytes through a budget of 100: %d read, error %v", size, n, err)
		}
		if n > 101 || cr.n != n {
			t.Errorf("%d bytes: read %d (counted %d), more than budget+1", size, n, cr.n)
		}
	}
}
