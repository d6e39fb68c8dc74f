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
	in, _, err := ReadSource(path)
	return in, err
}

// Source is an input file's bytes as ReadSource read them, so that the
// same Input can be read again (Read) whatever becomes of the file: a run
// of 100,000 rows keeps its workbook's bytes (under a megabyte) rather
// than its rows (about 20 MB) between two writes of the results.
type Source struct {
	path string
	data []byte
}

// Len is how many bytes s holds.
func (s *Source) Len() int { return len(s.data) }

// Read reads s's Input again: equal to the one ReadSource returned.
func (s *Source) Read() (*Input, error) {
	if prev := debug.SetMemoryLimit(-1); prev > readHeapLimit {
		debug.SetMemoryLimit(readHeapLimit)
		defer debug.SetMemoryLimit(prev)
	}
	if strings.EqualFold(filepath.Ext(s.path), ".csv") {
		return readCSV(s.path, s.data)
	}
	return readXLSXData(s.path, s.data)
}

// ReadSource is Read that also returns the file's bytes, as a Source.
func ReadSource(path string) (*Input, *Source, error) {
	if prev := debug.SetMemoryLimit(-1); prev > readHeapLimit {
		debug.SetMemoryLimit(readHeapLimit)
		defer debug.SetMemoryLimit(prev)
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, inputError(path, ErrNotFound, err, "check the path and the file name")
	case err != nil:
		return nil, nil, inputError(path, ErrCorrupt, err, "cannot read it: "+err.Error())
	case st.IsDir():
		return nil, nil, inputError(path, ErrUnsupported, nil, "it is a folder: give the path of an .xlsx or .csv file")
	}
	var (
		in   *Input
		data []byte
	)
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".xlsx", ".xlsm":
		in, data, err = readXLSX(path)
	case ".csv":
		if st.Size() > maxExpanded {
			return nil, nil, tooLarge(path, "the file is larger than "+expandedText+" (the limit): "+csvFitAdvice)
		}
		if data, err = os.ReadFile(path); err != nil {
			return nil, nil, inputError(path, ErrCorrupt, err, "cannot read it: "+err.Error())
		}
		in, err = readCSV(path, data)
	case ".xls":
		return nil, nil, inputError(path, ErrUnsupported, nil, `".xls" (Excel 97-2003) cannot be read: open it in Excel and save it as .xlsx (Excel Workbook)`)
	case "":
		return nil, nil, inputError(path, ErrUnsupported, nil, "the file name has no extension: use an .xlsx or .csv file")
	default:
		return nil, nil, inputError(path, ErrUnsupported, nil, quote(ext)+" cannot be read: save the list as .xlsx (Excel Workbook) or .csv")
	}
	if err != nil {
		return nil, nil, err
	}
	return in, &Source{path: path, data: data}, nil
}
