package sheet

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// Read reads an input file: .xlsx (also .xlsm) or .csv, chosen by the
// file's extension. Every error names the file, wraps one of the Err
// sentinels and says what to do.
//
// While it reads, the Go heap is held under readHeapLimit (a soft limit,
// runtime/debug.SetMemoryLimit, the previous one restored after): reading
// a large workbook makes garbage faster than the collector's default pace
// frees it, and the process would grow to twice what it holds.
func Read(path string) (*Input, error) {
	if prev := debug.SetMemoryLimit(-1); prev > readHeapLimit {
		debug.SetMemoryLimit(readHeapLimit)
		defer debug.SetMemoryLimit(prev)
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, inputError(path, ErrNotFound, err, "check the path and the file name")
	case err != nil:
		return nil, inputError(path, ErrCorrupt, err, "cannot read it: "+err.Error())
	case st.IsDir():
		return nil, inputError(path, ErrUnsupported, nil, "it is a folder: give the path of an .xlsx or .csv file")
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".xlsx", ".xlsm":
		return readXLSX(path)
	case ".csv":
		if st.Size() > maxExpanded {
			return nil, tooLarge(path, "the file is larger than "+expandedText+" (the limit): "+csvFitAdvice)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, inputError(path, ErrCorrupt, err, "cannot read it: "+err.Error())
		}
		return readCSV(path, data)
	case ".xls":
		return nil, inputError(path, ErrUnsupported, nil, `".xls" (Excel 97-2003) cannot be read: open it in Excel and save it as .xlsx (Excel Workbook)`)
	case "":
		return nil, inputError(path, ErrUnsupported, nil, "the file name has no extension: use an .xlsx or .csv file")
	default:
		return nil, inputError(path, ErrUnsupported, nil, quote(ext)+" cannot be read: save the list as .xlsx (Excel Workbook) or .csv")
	}
}
