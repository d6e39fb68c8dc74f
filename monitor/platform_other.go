//go:build !linux

package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/shirou/gopsutil/v4/process"
)

// clockTicks is unused off Linux (there is no procfs to read ticks from);
// it exists so the procfs reader compiles everywhere.
func clockTicks() int64 { return 100 }

// fallbackMemory measures a process where there is no smaps_rollup: gopsutil
// offers no PSS or USS off Linux, so this is RSS, labelled as such.
func fallbackMemory(ctx context.Context, pid int) (uint64, string, error) {
	p, err := process.NewProcessWithContext(ctx, int32(pid))
	if err != nil {
		return 0, "", fmt.Errorf("process %d: %w", pid, err)
	}
	mi, err := p.MemoryInfoWithContext(ctx)
	if err != nil {
		return 0, "", fmt.Errorf("memory of process %d: %w", pid, err)
	}
	return mi.RSS, KindRSS, nil
}

// readSmall reads a whole small file into buf and returns its length.
func readSmall(path string, buf []byte) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}
