package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Hostile workbooks, written part by part straight into the zip so a test
// can make a file that expands to gigabytes without holding it.

// fill writes the content of one package part.
type fill func(w *bufio.Writer) error

// writePackage writes an .xlsx package with the given worksheet content
// (the rows inside <sheetData>) and shared strings (the items inside
// <sst>; nil for none) and returns its path.
func writePackage(t testing.TB, name string, sheet, sst fill) string {
	t.Helper()
	var sstPart *repeated
	if sst != nil {
		sstPart = &repeated{fill: sst}
	}
	return writeRepeatedPackage(t, name, repeated{fill: sheet}, sstPart)
}

// repeated is the content of a part: what fill writes, then prefix, unit n
// times and suffix. The repeated unit is compressed once and its deflate
// block repeated, so a part of gigabytes takes milliseconds to make, even
// under the race detector.
type repeated struct {
	fill                 fill
	prefix, unit, suffix string
	n                    int
}

func writeRepeatedPackage(t testing.TB, name string, sheet repeated, sst *repeated) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	zw := zip.NewWriter(file)
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	sstRel, sstType := "", ""
	if sst != nil {
		sstRel = `<Relationship Id="rId2" Type="` + rel + `/sharedStrings" Target="sharedStrings.xml"/>`
		sstType = `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
	}
	text := func(s string) repeated { return repeated{prefix: s} }
	parts := []struct {
		name string
		fill repeated
	}{
		{"[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` + sstType + `</Types>`)},
		{"_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + rel + `"><sheets><sheet name="PO_Data" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{"xl/_rels/workbook.xml.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/worksheet" Target="worksheets/sheet1.xml"/>` + sstRel + `</Relationships>`)},
		{"xl/worksheets/sheet1.xml", wrap(sheet, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`, `</sheetData></worksheet>`)},
	}
	if sst != nil {
		parts = append(parts, struct {
			name string
			fill repeated
		}{"xl/sharedStrings.xml", wrap(*sst, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, `</sst>`)})
	}
	for _, p := range parts {
		if err := writePart(zw, p.name, p.fill); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// wrap puts an element's start and end tags around a part's content.
func wrap(r repeated, start, end string) repeated {
	inner := r.fill
	r.fill = func(w *bufio.Writer) error {
		if _, err := w.WriteString(start); err != nil || inner == nil {
			return err
		}
		return inner(w)
	}
	r.suffix += end
	return r
}

// writePart writes one part. A long repeated unit is written as one
// deflate block of a megabyte of units, repeated: the block decodes the
// same anywhere once the 32 KB before it are units too, which the units
// written before the first block see to.
func writePart(zw *zip.Writer, name string, r repeated) error {
	lead, per := 0, 0
	if r.unit != "" {
		lead, per = (64<<10)/len(r.unit)+1, max(1, (1<<20)/len(r.unit))
	}
	if r.unit == "" || r.n < lead+2*per {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(w, 1<<16)
		if r.fill != nil {
			if err := r.fill(bw); err != nil {
				return err
			}
		}
		bw.WriteString(r.prefix)
		repeat(bw, r.unit, r.n)
		bw.WriteString(r.suffix)
		return bw.Flush()
	}
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return err
	}
	crc, size := crc32.NewIEEE(), uint64(0)
	// plain writes through the compressor and the checksum, then flushes
	// the compressor, which ends its block on a byte.
	plain := func(f fill) error {
		bw := bufio.NewWriterSize(io.MultiWriter(fw, crc, countWriter{&size}), 1<<16)
		if err := f(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return fw.Flush()
	}
	if err := plain(func(w *bufio.Writer) error {
		if r.fill != nil {
			if err := r.fill(w); err != nil {
				return err
			}
		}
		w.WriteString(r.prefix)
		return repeat(w, r.unit, lead)
	}); err != nil {
		return err
	}
	blockText := strings.Repeat(r.unit, per)
	start := buf.Len()
	if err := plain(func(w *bufio.Writer) error { _, err := w.WriteString(blockText); return err }); err != nil {
		return err
	}
	block := bytes.Clone(buf.Bytes()[start:])
	reps, rest := (r.n-lead)/per, (r.n-lead)%per
	for range reps - 1 {
		crc.Write([]byte(blockText))
		size += uint64(len(blockText))
	}
	tail := buf.Len()
	if err := plain(func(w *bufio.Writer) error {
		repeat(w, r.unit, rest)
		_, err := w.WriteString(r.suffix)
		return err
	}); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	data := buf.Bytes()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(len(data) + len(block)*(reps-1)), UncompressedSize64: size})
	if err != nil {
		return err
	}
	if _, err := w.Write(data[:tail]); err != nil {
		return err
	}
	for range reps - 1 {
		if _, err := w.Write(block); err != nil {
			return err
		}
	}
	_, err = w.Write(data[tail:])
	return err
}

type countWriter struct{ n *uint64 }

func (c countWriter) Write(p []byte) (int, error) {
	*c.n += uint64(len(p))
	return len(p), nil
}

// repeat writes s n times.
func repeat(w io.Writer, s string, n int) error {
	if s == "" {
		return nil
	}
	chunk := strings.Repeat(s, max(1, 1<<16/max(1, len(s))))
	per := len(chunk) / len(s)
	for n > 0 {
		k := min(n, per)
		if _, err := io.WriteString(w, chunk[:k*len(s)]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// headerRow is the PO_NUMBER header as an inline-string row 1.
const headerRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>PO_NUMBER</t></is></c><c r="B1" t="inlineStr"><is><t>Note</t></is></c></row>`

// stringsBomb: one row whose Note cell uses a shared string of sstMB
// megabytes.
func stringsBomb(t testing.TB, sstMB int) string {
	return writeRepeatedPackage(t, fmt.Sprintf("strings-bomb-%dMB.xlsx", sstMB),
		repeated{prefix: headerRow + `<row r="2"><c r="A2"><v>4500000001</v></c><c r="B2" t="s"><v>0</v></c></row>`},
		&repeated{prefix: "<si><t>", unit: strings.Repeat("a", 1024), n: sstMB << 10, suffix: "</t></si>"})
}

// referenceBomb: rows × cols cells that all use one shared string of
// Excel's largest cell size, 32,767 characters: small on disk, gigabytes
// once every cell holds its text.
func referenceBomb(t testing.TB, rows, cols int) string {
	return writeRepeatedPackage(t, fmt.Sprintf("reference-bomb-%dx%d.xlsx", rows, cols),
		repeated{prefix: headerRow, unit: `<row><c><v>4500000001</v></c>` + strings.Repeat(`<c t="s"><v>0</v></c>`, cols) + `</row>`, n: rows},
		&repeated{prefix: "<si><t>" + strings.Repeat("b", 32767) + "</t></si>"})
}

// manySharedStrings: rows × cols cells, each its own shared string.
func manySharedStrings(t testing.TB, rows, cols int) string {
	return writePackage(t, fmt.Sprintf("shared-strings-%dx%d.xlsx", rows, cols), gridSheet(rows, cols, func(w *bufio.Writer, r, c int) {
		fmt.Fprintf(w, `<c t="s"><v>%d</v></c>`, r*cols+c)
	}), func(w *bufio.Writer) error {
		for i := range rows * cols {
			if _, err := fmt.Fprintf(w, "<si><t>text %d</t></si>", i); err != nil {
				return err
			}
		}
		return nil
	})
}

// denseNumbers: rows × cols number cells, the most cells the sheet XML
// can hold.
func denseNumbers(t testing.TB, rows, cols int) string {
	return writePackage(t, fmt.Sprintf("numbers-%dx%d.xlsx", rows, cols), gridSheet(rows, cols, func(w *bufio.Writer, r, c int) {
		fmt.Fprintf(w, `<c><v>%d</v></c>`, (r+c)%1000)
	}), nil)
}

// gridSheet writes the sheet data of rows × cols cells under the header
// row: each row a PO number, then the cells cell writes.
func gridSheet(rows, cols int, cell func(w *bufio.Writer, r, c int)) func(*bufio.Writer) error {
	return func(w *bufio.Writer) error {
		if _, err := w.WriteString(headerRow); err != nil {
			return err
		}
		for r := range rows {
			fmt.Fprintf(w, `<row r="%d"><c><v>%d</v></c>`, r+2, 4500000000+r)
			for c := range cols {
				cell(w, r, c)
			}
			if _, err := w.WriteString(`</row>`); err != nil {
				return err
			}
		}
		return nil
	}
}

// The repeated-block trick must make a valid zip entry: the right bytes
// and checksum.
func TestRepeatedPartDecodes(t *testing.T) {
	path := writeRepeatedPackage(t, "repeated.xlsx", repeated{prefix: headerRow},
		&repeated{prefix: "<si><t>", unit: "abc", n: 3 << 20, suffix: "</t></si>"})
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	zf := zipPart(&zr.Reader, sharedStringsPart)
	rc, err := zf.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc) // archive/zip checks the size and the checksum
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>` +
		strings.Repeat("abc", 3<<20) + "</t></si></sst>"
	if string(data) != want {
		t.Fatalf("part of %d bytes, want %d", len(data), len(want))
	}
}
