package monitor

import (
	"context"
	"testing"
	"time"

	"coupatui/internal/testkit"
)

// BenchmarkSample8Browsers measures the CPU one sample costs with 8 real
// Chromium trees tracked, at the default 1 s cadence (the sampler's clock
// advances 1 s per sample, so age-based PSS re-reads and table rescans
// happen as often as in production). The target is under 1% of one core,
// i.e. under 10 ms of CPU per sample. "shipped" is the real sampler's
// defaults; "pss-every-sample" re-reads every process's PSS every sample and
// scans the whole table every time, for comparison.
func BenchmarkSample8Browsers(b *testing.B) {
	pids := startChromiums(b, 8)
	procs := waitSettled(b, pids, 30*time.Second)
	trees := make(map[int]int, len(pids))
	for i, pid := range pids {
		trees[i+1] = pid
	}
	for _, bc := range []struct {
		name string
		opts SamplerOptions
	}{
		{"shipped", SamplerOptions{}},
		{"pss-every-sample", SamplerOptions{PSSRefresh: -1, TreeRescan: time.Nanosecond}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			ss := NewSystemSampler(bc.opts)
			clock := &manualClock{t: time.Now()}
			ss.trees.now = clock.now

			coldStart := testkit.CPUTime(b)
			s, err := ss.Sample(ctx, trees) // first sighting: every process's PSS is read
			if err != nil {
				b.Fatal(err)
			}
			cold := testkit.CPUTime(b) - coldStart
			if len(s.Trees) != len(trees) {
				b.Fatalf("sampled %d trees, want %d", len(s.Trees), len(trees))
			}

			start := testkit.CPUTime(b)
			for b.Loop() {
				clock.advance(time.Second)
				if _, err := ss.Sample(ctx, trees); err != nil {
					b.Fatal(err)
				}
			}
			perSample := float64(testkit.CPUTime(b)-start) / float64(time.Millisecond) / float64(b.N)
			b.ReportMetric(perSample, "cpu-ms/sample")
			b.ReportMetric(perSample/10, "%core@1s") // ms per 1000 ms, as a percent
			b.ReportMetric(float64(cold)/float64(time.Millisecond), "first-sample-cpu-ms")
			b.ReportMetric(float64(procs), "procs")
		})
	}
}
