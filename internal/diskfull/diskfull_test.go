package diskfull

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"testing"
)

func TestIsAndWhere(t *testing.T) {
	pe := &fs.PathError{Op: "write", Path: "/data/dl/PO1__WORK/.a.pdf.part", Err: syscall.ENOSPC}
	le := &os.LinkError{Op: "rename", Old: "/d/PO1__WORK", New: "/d/PO1_COMPLETED", Err: syscall.ENOSPC}
	for _, tc := range []struct {
		err   error
		full  bool
		where string
	}{
		{pe, true, "/data/dl/PO1__WORK"},
		{fmt.Errorf("GET x → a.pdf: %w", pe), true, "/data/dl/PO1__WORK"},
		{le, true, "/d"},
		{syscall.EDQUOT, true, ""},
		{At("browser download", "/data/dl/PO2__WORK/b.pdf"), true, "/data/dl/PO2__WORK"},
		{Err, true, ""},
		{syscall.EACCES, false, ""},
		{errors.New("no space left on device"), false, ""}, // words are not evidence
		{nil, false, ""},
	} {
		if got := Is(tc.err); got != tc.full {
			t.Errorf("Is(%v) = %v, want %v", tc.err, got, tc.full)
		}
		if tc.full {
			if got := Where(tc.err); got != tc.where {
				t.Errorf("Where(%v) = %q, want %q", tc.err, got, tc.where)
			}
		}
	}
}

func TestAvailable(t *testing.T) {
	n, ok := Available(t.TempDir())
	if !ok || n == 0 {
		t.Skipf("free space not known here (%d, %v)", n, ok)
	}
}
