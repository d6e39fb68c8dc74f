package testkit

import (
	"testing"
	"time"
)

// ReportCPU adds a cpu-ms/op metric (CPUTime per iteration) for the loop
// that follows: defer ReportCPU(b)().
func ReportCPU(b *testing.B) func() {
	start := CPUTime(b)
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(CPUTime(b)-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		}
	}
}
