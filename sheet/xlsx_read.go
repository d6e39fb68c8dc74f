package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode"

	"github.com/richardlehane/mscfb"
)

// DataSheet is the sheet read when present, and the sheet results go to.
const DataSheet = "PO_Data"

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}
)

func readXLSX(path string) (*Input, error) {
	if err := checkWorkbookBytes("input", path); err != nil {
		return nil, err
	}
	in, err := readXLSXFast(path)
	var verdict *fileError
	if err == nil || errors.As(err, &verdict) {
		return in, err
	}
	// The fast reader met a package it does not understand; excelize is
	// slower but more forgiving, and says best what is wrong.
	return readXLSXExcelize(path)
}

// readXLSXFast reads the sheet with this package's own scanner, in a
// fraction of the time excelize takes (see the benchmarks). Errors that are verdicts on the input come as
// *fileError; any other error means the package could not be scanned.
func readXLSXFast(path string) (*Input, error) {
	book, err := openBook(path)
	if err != nil {
		return nil, err
	}
	defer book.Close()
	sheet, ok := book.pick()
	if !ok {
		return nil, errors.New("no worksheet")
	}
	sst, err := book.sharedStrings()
	if err != nil {
		return nil, err
	}
	nf, err := book.numberFormats()
	if err != nil {
		return nil, err
	}
	defer nf.Close()
	rc, err := book.open(sheet.part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b := newBuilder(path, sheet.name)
	var verdict error
	presize := func(rows int) {
		b.in.Rows = make([]Row, 0, min(max(rows, 0), maxPresize))
	}
	err = scanSheet(rc, sst, nf, presize, func(row sheetRow) (bool, error) {
		n := len(b.in.Rows)
		if verdict = b.add(row.num, row.cells); verdict != nil {
			return false, nil
		}
		if len(b.in.Rows) > n { // a data row: the PO may need the stored number
			if number, ok := row.numbers[b.lay.po]; ok {
				if _, ok := normalizeWritten(cellAt(row.cells, b.lay.po)); !ok {
					b.setPOSource(n, number)
				}
			}
		}
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", sheet.name, err)
	}
	if verdict != nil {
		return nil, verdict
	}
	return b.finish()
}

// maxPresize bounds the rows allocated up front on the word of a sheet's
// dimension element, which a damaged file may overstate.
const maxPresize = 1 << 18

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
