package monitor

import (
	"context"
	"fmt"
	"os"
	"sync"
	"syscall"

	"github.com/shirou/gopsutil/v4/process"
	"github.com/tklauser/go-sysconf"
)

// clockTicks is USER_HZ, the unit of the CPU times in /proc/<pid>/stat.
var clockTicks = sync.OnceValue(func() int64 {
	if hz, err := sysconf.Sysconf(sysconf.SC_CLK_TCK); err == nil && hz > 0 {
		return hz
	}
	return 100 // USER_HZ on every architecture Go supports
})

// fallbackMemory measures a process where smaps_rollup is missing (Linux
// before 4.15): gopsutil sums /proc/<pid>/smaps, which gives PSS, or failing
// that the private pages (USS); RSS is the last resort.
func fallbackMemory(ctx context.Context, pid int) (uint64, string, error) {
	p, err := process.NewProcessWithContext(ctx, int32(pid))
	if err != nil {
		return 0, "", fmt.Errorf("process %d: %w", pid, err)
	}
	if maps, err := p.MemoryMapsWithContext(ctx, true); err == nil && maps != nil && len(*maps) == 1 {
		m := (*maps)[0] // grouped: one summary, in KiB
		if m.Pss > 0 {
			return m.Pss * 1024, KindPSS, nil
		}
		if uss := m.PrivateClean + m.PrivateDirty; uss > 0 {
			return uss * 1024, KindUSS, nil
		}
	}
	mi, err := p.MemoryInfoWithContext(ctx)
	if err != nil {
		return 0, "", fmt.Errorf("memory of process %d: %w", pid, err)
	}
	return mi.RSS, KindRSS, nil
}

// readSmall reads a whole small file (a /proc stat line) into buf and
// returns its length. It uses the system calls directly: os.Open's extra
// fcntl and poller registration cost more than the read itself, and the
// tree sampler makes a hundred of these a second.
func readSmall(path string, buf []byte) (int, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			break
		}
		n += m
	}
	return n, nil
}
