package pool

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"coupatui/internal/diskfull"
)

func TestIsDiskFull(t *testing.T) {
	pe := &fs.PathError{Op: "write", Path: "/data/dl/PO1__WORK/a.pdf", Err: syscall.ENOSPC}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{pe, true},
		{fmt.Errorf("download a.pdf: %w", pe), true},
		{diskfull.Err, true},
		{syscall.EACCES, false},
		{errors.New("no space left on device"), false}, // words are not evidence
		{nil, false},
	} {
		if got := diskfull.Is(tc.err); got != tc.want {
			t.Errorf("IsDiskFull(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if got := diskFullReason(fmt.Errorf("x: %w", pe)); got != "disk full at /data/dl/PO1__WORK" {
		t.Errorf("reason %q", got)
	}
}
