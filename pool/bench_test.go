package pool_test

import (
	"context"
	"testing"

	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// pausedPool is a started pool holding n queued tasks that never dispatch.
func pausedPool(b *testing.B, n int) *pool.Pool {
	b.Helper()
	cfg := fakeConfig()
	cfg.WorkerCount, cfg.MaxWorkers = 8, 8
	p, err := pool.New(cfg, pool.Deps{Engine: pooltest.NewEngine(nil)})
	if err != nil {
		b.Fatal(err)
	}
	p.Pause()
	if err := p.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Shutdown(context.Background()) })
	items := make([]pool.Item, n)
	for i := range items {
		items[i] = pool.Item{PO: po(i), Priority: vocab.Priority(i % 4)}
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
		if page := p.Tasks(pool.TaskQuery{Limit: 50}); len(page.Tasks) != 50 || page.Total != 100_000 {
			b.Fatalf("page %d of %d", len(page.Tasks), page.Total)
		}
	}
}

// The queue sorted by a column sorts every task: what a frame costs then.
func BenchmarkTasksFirstPageSorted100kQueued(b *testing.B) {
	p := pausedPool(b, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		if page := p.Tasks(pool.TaskQuery{Limit: 50, Sort: pool.SortPO}); len(page.Tasks) != 50 || page.Total != 100_000 {
			b.Fatalf("page %d of %d", len(page.Tasks), page.Total)
		}
	}
}

func BenchmarkSubmit100k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		cfg := fakeConfig()
		p, _ := pool.New(cfg, pool.Deps{Engine: pooltest.NewEngine(nil)})
		items := make([]pool.Item, 100_000)
		for i := range items {
			items[i] = pool.Item{PO: po(i), Priority: vocab.Priority(i % 4)}
		}
		b.StartTimer()
		p.SubmitMany(items)
		b.StopTimer()
		p.Shutdown(context.Background())
		b.StartTimer()
	}
}
