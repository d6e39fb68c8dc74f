package sheet

import (
	"errors"
	"strconv"
)

// Problems with an input or results file. Errors returned by this package
// wrap one of these (test with errors.Is) and name the file concerned.
var (
	ErrNotFound    = errors.New("file not found")
	ErrUnsupported = errors.New("unsupported file type")
	ErrCorrupt     = errors.New("file is damaged or not a real spreadsheet")
	ErrProtected   = errors.New("workbook is password protected")
	ErrEmpty       = errors.New("no data rows")
	ErrNoPOColumn  = errors.New("no PO number column")
	ErrSameFile    = errors.New("results would overwrite the input file")
	ErrTooLarge    = errors.New("input too large")
)

// fileError is an error about one file: which file, which kind of problem
// (one of the sentinels above), what exactly, and the underlying cause.
type fileError struct {
	role   string // "input" or "results"
	path   string
	kind   error  // a sentinel
	detail string // what exactly, and what to do about it
	cause  error  // the error that revealed it, may be nil
}

func (e *fileError) Error() string {
	s := e.role + " " + strconv.Quote(e.path) + ": " + e.kind.Error()
	if e.detail != "" {
		s += ": " + e.detail
	}
	return s
}

func (e *fileError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

func inputError(path string, kind error, cause error, detail string) error {
	return &fileError{role: "input", path: path, kind: kind, detail: detail, cause: cause}
}
