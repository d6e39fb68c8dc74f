// Package diskfull tells a write that failed for lack of space from any
// other failure, wherever it happened (a download, a folder rename, the
// results workbook, the journal), and says where: a full disk is not the
// fault of the PO being fetched, so callers keep what is on disk and wait
// for the operator to free space instead of marking anything failed.
package diskfull

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Err marks an error caused by a full disk where the system's own error is
// not at hand (a browser that reports only "canceled"). Errors wrapping
// syscall.ENOSPC, EDQUOT or Windows' ERROR_DISK_FULL count too, see Is.
var Err = errors.New("disk full")

// Is reports whether err means the disk (or a quota) is full.
func Is(err error) bool {
	return err != nil && (errors.Is(err, Err) || errors.Is(err, syscall.ENOSPC) || isOS(err))
}

// Where names the folder a disk-full error happened in, for the operator
// to free space there; "" when the error names no path.
func Where(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return filepath.Dir(pe.Path)
	}
	if le, ok := errors.AsType[*os.LinkError](err); ok {
		return filepath.Dir(le.New)
	}
	return ""
}

// At is the error of an operation op on the file path that found no
// space, for callers that learn of a full disk without a system error of
// their own; Where gives path's folder.
func At(op, path string) error {
	return &fs.PathError{Op: op, Path: path, Err: Err}
}
