package profiles

import (
	"fmt"
	"sync"
	"testing"
)

// BenchmarkClone8x100MB clones a 100 MB profile for 8 workers at once, as
// the pool does when it starts.
func BenchmarkClone8x100MB(b *testing.B) {
	benchClone8(b, 0)
}

// BenchmarkClone8x100MBConcurrency compares bounds on the files copied at once.
func BenchmarkClone8x100MBConcurrency(b *testing.B) {
	for _, n := range []int{1, 2, 4, 8, 16} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) { benchClone8(b, n) })
	}
}

func benchClone8(b *testing.B, concurrency int) {
	m := newTestManager(b, Options{MaxSizeMB: 100, Concurrency: concurrency})
	baseBytes, err := WriteSample(m.Base(), 100, 1)
	if err != nil {
		b.Fatal(err)
	}
	var copied int64
	for b.Loop() {
		var wg sync.WaitGroup
		clones := make([]*Clone, 8)
		for i := range clones {
			wg.Go(func() {
				c, err := m.Clone(b.Context(), i)
				if err != nil {
					b.Error(err)
					return
				}
				clones[i] = c
			})
		}
		wg.Wait()
		b.StopTimer()
		copied = 0
		for _, c := range clones {
			if c != nil {
				copied += c.Bytes
			}
		}
		if err := m.RemoveAll(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.SetBytes(copied)
	b.ReportMetric(float64(baseBytes)/(1<<20), "base-MB")
	b.ReportMetric(float64(copied)/8/(1<<20), "copied-MB/clone")
}
