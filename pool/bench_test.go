package pool

import (
	"context"
	"testing"
)

// pausedPool is a started pool holding n queued tasks that never dispatch.
func pausedPool(b *testing.B, n int) *Pool {
	b.Helper()
	cfg := testConfig()
	cfg.WorkerCount, cfg.MaxWorkers = 8, 8
	p, err := New(cfg, Deps{Engine: newFakeEngine(nil)})
	if err != nil {
		b.Fatal(err)
	}
	p.Pause()
	if err := p.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Shutdown(context.Background()) })
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{PO: po(i), Priority: Priority(i % 4)}
	}
	if _, err := p.SubmitMany(items); err != nil {
		b.Fatal(err)
	}
	return p
}

func BenchmarkSnapshot100kQueued(b *testing.B) {
	p := pausedPool(b, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		if s := p.Snapshot(); s.Counts.Queued != 100_000 {
			b.Fatalf("queued %d", s.Counts.Queued)
		}
	}
}

func BenchmarkTasksFirstPage100kQueued(b *testing.B) {
	p := pausedPool(b, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		if page := p.Tasks(TaskQuery{Limit: 50}); len(page.Tasks) != 50 || page.Total != 100_000 {
			b.Fatalf("page %d of %d", len(page.Tasks), page.Total)
		}
	}
}

func BenchmarkSubmit100k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		cfg := testConfig()
		p, _ := New(cfg, Deps{Engine: newFakeEngine(nil)})
		items := make([]Item, 100_000)
		for i := range items {
			items[i] = Item{PO: po(i), Priority: Priority(i % 4)}
		}
		b.StartTimer()
		p.SubmitMany(items)
		b.StopTimer()
		p.Shutdown(context.Background())
		b.StartTimer()
	}
}
