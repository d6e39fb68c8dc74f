package pool

import (
	"fmt"
	"io/fs"
	"syscall"
	"testing"
)

// diskfull's own tests cover which errors are a full disk; the pool names
// the folder that filled.
func TestDiskFullReason(t *testing.T) {
	pe := &fs.PathError{Op: "write", Path: "/data/dl/PO1__WORK/a.pdf", Err: syscall.ENOSPC}
	if got := diskFullReason(fmt.Errorf("x: %w", pe)); got != "disk full at /data/dl/PO1__WORK" {
		t.Errorf("reason %q", got)
	}
}
