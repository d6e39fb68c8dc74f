package pool

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"
)

func TestIsDiskFull(t *testing.T) {
	pe := &fs.PathError{Op: "write", Path: "/data/dl/PO1__WORK/a.pdf", Err: syscall.ENOSPC}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{pe, true},
		{fmt.Errorf("download a.pdf: %w", pe), true},
		{ErrDiskFull, true},
		{syscall.EACCES, false},
		{errors.New("no space left on device"), false}, // words are not evidence
		{nil, false},
	} {
		if got := IsDiskFull(tc.err); got != tc.want {
			t.Errorf("IsDiskFull(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if got := diskFullReason(fmt.Errorf("x: %w", pe)); got != "disk full at /data/dl/PO1__WORK" {
		t.Errorf("reason %q", got)
	}
}
