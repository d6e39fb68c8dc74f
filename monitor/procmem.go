package monitor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// memReader measures one process: bytes and which measure they are.
type memReader func(ctx context.Context, pid int) (uint64, string, error)

// newMemReader reads PSS from procRoot/<pid>/smaps_rollup when the kernel
// has it, and falls back to gopsutil (USS or RSS, labelled) otherwise.
func newMemReader(procRoot string) memReader {
	if exists(filepath.Join(procRoot, "self", "smaps_rollup")) {
		return func(_ context.Context, pid int) (uint64, string, error) {
			n, err := readPSS(filepath.Join(procRoot, strconv.Itoa(pid), "smaps_rollup"))
			return n, KindPSS, err
		}
	}
	return fallbackMemory
}

// readPSS returns the Pss: line of a smaps_rollup file, in bytes. Reading it
// makes the kernel walk the process's page tables: about 0.5–2 ms of CPU
// per Chromium process, which is why the sampler re-reads it sparingly.
func readPSS(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return parsePSS(b, path)
}

func parsePSS(b []byte, path string) (uint64, error) {
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		rest, ok := bytes.CutPrefix(line, []byte("Pss:"))
		if !ok {
			continue
		}
		rest = bytes.TrimSpace(rest)
		num, unit, _ := bytes.Cut(rest, []byte(" "))
		kb, ok := parseDecimal(num)
		if !ok || string(bytes.TrimSpace(unit)) != "kB" {
			return 0, fmt.Errorf("%s: unreadable Pss line %q", path, line)
		}
		return kb * 1024, nil
	}
	// A zombie or a kernel thread has no mappings and an empty rollup.
	return 0, nil
}
