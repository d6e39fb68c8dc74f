package sheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits on one input. Past any of them Read stops with ErrTooLarge and
// a message naming the file and the limit, before memory runs out: a
// workbook of a few hundred kilobytes can unpack to gigabytes.
const (
	// maxDataRow is the last sheet row (CSV: record) that may hold data.
	maxDataRow = 1_000_000
	// maxExpanded bounds, each on its own: what the workbook's parts
	// unpack to, the sheet and shared-strings XML as read, and the text
	// the cells hold once shared strings are put into them.
	maxExpanded = 200 << 20
	// maxColumns is the width of a sheet; maxInputColumns leaves room for
	// the result columns.
	maxColumns      = excelize.MaxColumns
	maxInputColumns = maxColumns - resultCount
	// inMemoryXML is the size above which excelize keeps a worksheet or
	// the shared strings in a temporary file rather than in memory
	// (excelize.Options.UnzipXMLSizeLimit; its default is 16 MB, whose
	// shared strings alone can cost a gigabyte once decoded).
	inMemoryXML = 1 << 20
	// readHeapLimit is the soft limit on the Go heap while Read runs.
	readHeapLimit = 250 << 20
)

// Limits on what costs memory per item however small the items; variables
// so that tests can reach them with small files.
var (
	// maxSharedStrings bounds excelize's index of the shared strings,
	// some 50 bytes an entry.
	maxSharedStrings = 1_000_000
	// maxMerges bounds the merged ranges kept for the hierarchy columns.
	maxMerges = 1_000_000
)

const expandedText = "200 MB"

func tooLarge(path, detail string) error {
	return inputError(path, ErrTooLarge, nil, detail)
}

// fitAdvice is what to do with a workbook past a limit; csvFitAdvice with
// a CSV file.
const (
	fitAdvice    = "keep only the PO list and the columns you need in the workbook (copy them into a new one), or save the list as CSV"
	csvFitAdvice = "keep only the PO list and the columns you need in the file, or split it into several"
)

// checkPackageSizes refuses a workbook whose parts say they unpack to more
// than maxExpanded, before excelize unpacks them. archive/zip refuses an
// entry that inflates past its declared size, so the declared sizes bound
// what excelize reads; the parts this package reads itself are counted as
// well (countingReader).
func checkPackageSizes(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil // not a zip excelize can read either: it says what is wrong
	}
	defer zr.Close()
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > maxExpanded {
			return tooLarge(path, "the workbook unpacks to more than "+expandedText+" (the limit): "+fitAdvice)
		}
	}
	return nil
}

// errBudget is returned by a countingReader that has read its budget.
var errBudget = errors.New("read budget spent")

// countingReader counts the bytes read through it and fails once they pass
// its budget, whatever the source claimed about its size.
type countingReader struct {
	r    io.Reader
	n    int64 // bytes read so far
	left int64 // bytes still allowed
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, errBudget
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1] // one byte past the budget is enough to know
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errBudget
	}
	return n, err
}

// zipPart opens a part of the package by name the way excelize finds it:
// "\" read as "/", and case ignored as a last resort.
func zipPart(zr *zip.Reader, name string) *zip.File {
	var fold *zip.File
	for _, f := range zr.File {
		n := strings.ReplaceAll(f.Name, "\\", "/")
		if n == name {
			return f
		}
		if fold == nil && strings.EqualFold(n, name) {
			fold = f
		}
	}
	return fold
}

// sharedStringsPart is where excelize reads the shared strings, whatever
// the workbook's relationships say.
const sharedStringsPart = "xl/sharedStrings.xml"

// sharedStrings is what this package learns of the shared strings before
// excelize decodes them: their sizes, so a row that would expand past the
// budget is refused before excelize builds it.
type sharedStrings struct {
	bytes int64   // XML bytes read
	lens  []int32 // text length of each entry, in bytes (an upper bound)
}

// countSharedStrings reads the shared strings through once; it refuses more
// than maxSharedStrings entries or maxExpanded bytes.
func countSharedStrings(path string, zr *zip.Reader, charset func(string, io.Reader) (io.Reader, error)) (sharedStrings, error) {
	var sst sharedStrings
	zf := zipPart(zr, sharedStringsPart)
	if zf == nil {
		return sst, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return sst, inputError(path, ErrCorrupt, err, "cannot read its shared strings ("+err.Error()+"): open it in Excel and save it again as .xlsx")
	}
	defer rc.Close()
	cr := &countingReader{r: rc, left: maxExpanded}
	dec := xml.NewDecoder(cr)
	dec.CharsetReader = charset
	inSI, inT, phonetic := false, false, 0
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, errBudget) {
			return sst, tooLarge(path, "its shared strings unpack to more than "+expandedText+" (the limit): "+fitAdvice)
		}
		if err != nil {
			sst.bytes = cr.n
			return sst, nil // the end, or XML excelize will judge
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				if len(sst.lens) == maxSharedStrings {
					return sst, tooLarge(path, "it holds more than "+groupDigits(maxSharedStrings)+" shared strings (the limit): "+fitAdvice)
				}
				sst.lens = append(sst.lens, 0)
				inSI, phonetic = true, 0
			case "rPh":
				phonetic++
			case "t":
				inT = inSI && phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				sst.lens[len(sst.lens)-1] += int32(min(len(t), maxExpanded))
			}
		}
	}
}

// groupDigits writes n with thousands separators: 1,000,000.
func groupDigits(n int) string {
	s := itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
