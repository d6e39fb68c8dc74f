package sheet

import "testing"

// reportPeakRSS reads path once in a child process and reports its peak
// RSS in MB (the figure the memory targets are about).
func reportPeakRSS(b *testing.B, path string, wantRows int) {
	b.Helper()
	res := readInChild(b, path)
	if res.Err != "" || (wantRows > 0 && res.Rows != wantRows) {
		b.Fatalf("child read: %d rows, error %q", res.Rows, res.Err)
	}
	b.ReportMetric(float64(res.PeakRSS)/1e6, "peak-MB")
	b.Logf("child: %d rows in %v, peak RSS %d KiB", res.Rows, res.Elapsed, res.PeakRSS/1024)
	b.ReportMetric(float64(res.Elapsed.Milliseconds()), "child-ms")
	b.ReportMetric(float64(res.CPU.Milliseconds()), "child-cpu-ms")
}
