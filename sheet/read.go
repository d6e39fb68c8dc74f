package sheet

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Read reads an input file: .xlsx (also .xlsm) or .csv, chosen by the
// file's extension. Every error names the file, wraps one of the Err
// sentinels and says what to do.
func Read(path string) (*Input, error) {
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
