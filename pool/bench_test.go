package pool_test

import (
	"context"
	"runtime"
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

// BenchmarkQueuedMemory100k reports what the pool holds per queued task
// (B/task: its heap after SubmitMany of 100,000 POs, less before; the
// callers' PO strings are theirs), the figure behind "coupatui's own RSS
// ≤ 60 MB with 100,000 queued tasks".
func BenchmarkQueuedMemory100k(b *testing.B) {
	const n = 100_000
	items := make([]pool.Item, n)
	for i := range items {
		items[i] = pool.Item{PO: po(i), Priority: vocab.Priority(i % 4), Meta: pool.Meta{Row: i + 1}}
	}
	var perTask float64
	for b.Loop() {
		b.StopTimer()
		p, err := pool.New(fakeConfig(), pool.Deps{Engine: pooltest.NewEngine(nil)})
		if err != nil {
			b.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		if _, err := p.SubmitMany(items); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		perTask = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / n
		runtime.KeepAlive(p)
		p.Shutdown(context.Background())
		b.StartTimer()
	}
	b.ReportMetric(perTask, "B/task")
}
