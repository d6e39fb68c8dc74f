package sheet

import (
	"strings"
	"testing"
)

// Issue 11 item 3: workbooks built to exhaust memory are refused (or read)
// without the process growing: a 1 MB workbook whose shared strings unpack
// to 1 GB once took 1.07 GB to read. Each is read in a child process for
// its peak RSS; the bound is generous (the targets are in
// BenchmarkReadHostile), so it holds under the race detector too.
func TestReadHostileWorkbooksMemory(t *testing.T) {
	const bound = 500 << 20
	for _, c := range []struct {
		name string
		make func(t *testing.T) string
	}{
		{"strings unpacking to 1 GB", func(t *testing.T) string { return stringsBomb(t, 1000) }},
		{"100,000 rows using one 32 KB string", func(t *testing.T) string { return referenceBomb(t, 100_000, 10) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := readInChild(t, c.make(t))
			t.Logf("peak RSS %d MB in %v: %d rows, %.120s", res.PeakRSS>>20, res.Elapsed, res.Rows, res.Err)
			if res.PeakRSS > bound {
				t.Errorf("peak RSS %d MB, more than %d MB", res.PeakRSS>>20, bound>>20)
			}
			if !strings.Contains(res.Err, ErrTooLarge.Error()) || !strings.Contains(res.Err, "200 MB") {
				t.Errorf("not refused as too large: %q", res.Err)
			}
		})
	}
}
