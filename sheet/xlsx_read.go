package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"
)

// DataSheet is the sheet read when present, and the sheet results go to.
const DataSheet = "PO_Data"

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}
)

// readXLSX reads the sheet through excelize's row iterator, raw values
// only, with sheetMeta alongside for the cells' types and styles. Only the
// cells that become text (the header, the PO and the hierarchy cells) are
// shown as Excel shows them; every other cell keeps its stored value, type
// and number format for the results.
func readXLSX(path string) (*Input, []byte, error) {
	if err := checkWorkbookBytes("input", path); err != nil {
		return nil, nil, err
	}
	if err := checkPackageSizes(path); err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, inputError(path, ErrCorrupt, err, "cannot read it: "+err.Error())
	}
	in, err := readXLSXData(path, data)
	return in, data, err
}

// readXLSXData reads a workbook from data, the bytes readXLSX checked.
func readXLSXData(path string, data []byte) (*Input, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxExpanded, UnzipXMLSizeLimit: inMemoryXML})
	if err != nil {
		return nil, inputError(path, ErrCorrupt, err, "cannot open it as a workbook ("+err.Error()+"): open it in Excel and save it again as .xlsx")
	}
	defer f.Close()
	sheet := pickSheet(f)
	if sheet == "" {
		return nil, inputError(path, ErrCorrupt, nil, "the workbook has no worksheet: open it in Excel and save it again as .xlsx")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, inputError(path, ErrCorrupt, err, "cannot open it as a workbook ("+err.Error()+"): open it in Excel and save it again as .xlsx")
	}
	sst, err := countSharedStrings(path, zr, f.CharsetReader)
	if err != nil {
		return nil, err
	}
	parts := findParts(f, sheet)
	if parts.sharedStrings != "" && !strings.EqualFold(parts.sharedStrings, sharedStringsPart) {
		// excelize would read every shared string as blank
		return nil, inputError(path, ErrCorrupt, nil, "its shared strings are in "+quote(parts.sharedStrings)+
			" rather than "+quote(sharedStringsPart)+", where this program reads them: open it in Excel and save it again as .xlsx")
	}
	zf := zipPart(zr, parts.sheet)
	if zf == nil {
		return nil, inputError(path, ErrCorrupt, nil, "the part holding sheet "+quote(sheet)+" is missing: open it in Excel and save it again as .xlsx")
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, inputError(path, ErrCorrupt, err, "cannot read sheet "+quote(sheet)+" ("+err.Error()+"): open it in Excel and save it again as .xlsx")
	}
	defer rc.Close()
	counted := &countingReader{r: rc, left: maxExpanded - sst.bytes} // the sheet and its strings share the budget
	x := &xlsxReader{
		path:    path,
		f:       f,
		sheet:   sheet,
		meta:    newSheetMeta(bufio.NewReaderSize(counted, 64<<10), f.CharsetReader),
		sstLens: sst.lens,
		formats: make(map[int]*NumFormat),
		pool:    newCellPool(),
	}
	return x.read()
}

// pickSheet returns DataSheet when the workbook has it (any case), else
// the first visible sheet, else the first sheet.
func pickSheet(f *excelize.File) string {
	list := f.GetSheetList()
	for _, name := range list {
		if name == DataSheet {
			return name
		}
	}
	for _, name := range list {
		if strings.EqualFold(name, DataSheet) {
			return name
		}
	}
	for _, name := range list {
		if visible, err := f.GetSheetVisible(name); err == nil && visible {
			return name
		}
	}
	if len(list) > 0 {
		return list[0]
	}
	return ""
}

// xlsxReader reads one sheet. Used by one goroutine.
type xlsxReader struct {
	path  string
	f     *excelize.File
	sheet string
	meta  *sheetMeta // reads the sheet part a second time, alongside excelize

	sstLens []int32            // length of each shared string
	text    int64              // bytes of cell text so far
	formats map[int]*NumFormat // number format by cell style; nil for General
	pool    *cellPool
	packer  cellPacker
}

func (x *xlsxReader) read() (*Input, error) {
	b := newBuilder(x.path, x.sheet)
	if props, err := x.f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		b.in.Date1904 = *props.Date1904
	}
	var meta []cellMeta
	feed := x.meta.feed()
	before := func(n int) (err error) {
		if meta, err = feed.at(n); err != nil {
			return x.metaError(err)
		}
		return x.checkExpansion(n, meta)
	}
	err := x.eachRow(excelize.Options{RawCellValue: true}, before, func(n int, raw []string) (bool, error) {
		cells, err := x.cells(n, raw, meta)
		if err != nil {
			return false, err
		}
		return true, b.add(n, cells)
	})
	feed.stop()
	if err != nil {
		return nil, err
	}
	if b.found && b.lay.hierarchy >= 0 {
		if err := x.meta.finish(b.lay.hierarchy+2, excelize.MaxColumns); err != nil {
			return nil, x.metaError(err)
		}
		b.merges = x.meta.merges
	}
	if b.found {
		if err := x.showFormatted(b); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

// eachRow calls fn with every row of the sheet that has cells, numbered
// from 1, until fn returns false or an error. before, when not nil, is
// called before excelize builds a row's cells, and may refuse it.
func (x *xlsxReader) eachRow(opts excelize.Options, before func(n int) error, fn func(n int, cells []string) (bool, error)) error {
	rows, err := x.f.Rows(x.sheet)
	if err != nil {
		return inputError(x.path, ErrCorrupt, err, "cannot read sheet "+quote(x.sheet)+": "+err.Error())
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		if before != nil {
			if err := before(n); err != nil {
				return err
			}
		}
		cells, err := rows.Columns(opts)
		if err != nil {
			return inputError(x.path, ErrCorrupt, err, "cannot read row "+itoa(n)+" of sheet "+quote(x.sheet)+": "+err.Error())
		}
		if len(cells) == 0 {
			continue
		}
		if more, err := fn(n, cells); err != nil || !more {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return inputError(x.path, ErrCorrupt, err, "cannot read sheet "+quote(x.sheet)+": "+err.Error())
	}
	return nil
}

// checkWorkbookBytes looks at how the file starts, to tell a password
// protected workbook (an OLE2 compound file holding EncryptionInfo), an old
// .xls file and a file that is no workbook at all apart, each with its own
// advice.
func checkWorkbookBytes(role, path string) error {
	fail := func(kind, cause error, detail string) error {
		return &fileError{role: role, path: path, kind: kind, detail: detail, cause: cause}
	}
	file, err := os.Open(path)
	if err != nil {
		return fail(ErrCorrupt, err, "cannot read it: "+err.Error())
	}
	defer file.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(file, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fail(ErrCorrupt, err, "cannot read it: "+err.Error())
	}
	head = head[:n]
	switch {
	case n == 0:
		return fail(ErrEmpty, nil, "the file is empty (0 bytes): save the PO list into it again")
	case bytes.HasPrefix(head, zipMagic):
		return nil
	case bytes.HasPrefix(head, oleMagic):
		if isEncryptedOOXML(file) {
			return fail(ErrProtected, nil, "save an unprotected copy (in Excel: File > Info > Protect Workbook > Encrypt with Password, clear the password, save) and use that copy")
		}
		return fail(ErrCorrupt, nil, "it is an Excel 97-2003 (.xls) or other Office file with an .xlsx name: open it in Excel and save it as .xlsx (Excel Workbook)")
	case looksLikeText(head):
		return fail(ErrCorrupt, nil, "it is a text file, not a workbook: if it is a CSV file, name it .csv")
	default:
		return fail(ErrCorrupt, nil, "it is not an .xlsx workbook (the file does not start like one): open it in Excel and save it again as .xlsx")
	}
}

// isEncryptedOOXML reports whether an OLE2 compound file is an encrypted
// Office Open XML document: those hold EncryptionInfo and EncryptedPackage
// streams (MS-OFFCRYPTO 2.3.4).
func isEncryptedOOXML(r io.ReaderAt) bool {
	doc, err := mscfb.New(r)
	if err != nil {
		return false
	}
	for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
		if entry.Name == "EncryptionInfo" || entry.Name == "EncryptedPackage" {
			return true
		}
	}
	return false
}

func looksLikeText(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for _, r := range string(b) {
		if r == unicode.ReplacementChar || (r < ' ' && r != '\t' && r != '\n' && r != '\r') {
			return false
		}
	}
	return true
}
