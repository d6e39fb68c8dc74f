package ui

import (
	"fmt"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"

	"coupatui/coupa"
	"coupatui/monitor"
	"coupatui/pool"
	"coupatui/pool/pooltest"
	"coupatui/vocab"
)

// benchPool is a real pool (live, on the fake engine) running 8 tasks on 8
// workers, each steered by a feed, with 100,000 tasks queued behind them.
type benchPool struct {
	*fixture
	feeds []*pooltest.Feed
}

func newBenchPool(b *testing.B) *benchPool {
	b.Helper()
	cfg := fixtureConfig(true)
	cfg.WorkerCount = 8
	bp := &benchPool{fixture: startFixture(b, true, cfg)}
	for i := range 8 {
		feed := pooltest.NewFeed()
		bp.feeds = append(bp.feeds, feed)
		bp.submit(fmt.Sprintf("45%08d", i), vocab.Normal, feed)
	}
	bp.settle("8 running tasks", func() bool { return bp.p.Snapshot().Counts.Running == 8 })
	for i, feed := range bp.feeds {
		feed.Report(coupa.Progress{Phase: "downloading", Found: 10, Done: i})
	}
	items := make([]pool.Item, 100_000)
	prios := []vocab.Priority{vocab.Urgent, vocab.High, vocab.Normal, vocab.Low}
	for i := range items {
		items[i] = pool.Item{PO: fmt.Sprintf("46%08d", i), Priority: prios[i%4]}
	}
	if _, err := bp.p.SubmitMany(items); err != nil {
		b.Fatal(err)
	}
	bp.sample(0.5, 0, 300, 300, 300, 300, 300, 300, 300, 300)
	return bp
}

// busy advances every running task and every browser's memory, as a frame
// during a run would see: each feed reports its next file, and a memory
// sample comes.
func (bp *benchPool) busy(frame int) {
	for i, feed := range bp.feeds {
		feed.Report(coupa.Progress{Phase: "downloading", Found: 10, Done: (i + frame) % 11})
	}
	trees := map[int]monitor.ProcTree{}
	for i := range bp.feeds {
		trees[i+1] = monitor.ProcTree{Bytes: uint64(300+i*10+frame%200) << 20, Kind: "pss"}
	}
	bp.mon.Send(monitor.Sample{Time: time.Now(), UsedRatio: (50 + float64(frame%30)) / 100, TotalBytes: 8 << 30,
		AvailableBytes: 4 << 30, CPUPercent: float64(frame % 100), Pressure: monitor.Ok, Trees: trees})
}

// BenchmarkRender200x60 measures the console's own cost of one frame at
// 200×60 with 8 workers and a 100,000-task queue: the refresh it does per
// frame (Snapshot, the visible window of Tasks, new log lines) and View.
// Busy frames also advance every worker, as during a run. frame-bytes is
// the size of the rendered frame (what View hands to Bubble Tea);
// cpu-ns/frame is the process CPU time per frame, GC included, which a
// loaded machine does not inflate the way it inflates ns/op.
func BenchmarkRender200x60(b *testing.B) {
	for _, mode := range []string{"idle", "busy"} {
		b.Run(mode, func(b *testing.B) {
			bp := newBenchPool(b)
			m := newBenchModel(bp.fixture)
			var frameBytes int
			frame := 0
			b.ReportAllocs()
			var cpu0 time.Duration
			for b.Loop() {
				if cpu0 == 0 {
					cpu0 = processCPU() // b.Loop's first call has reset the timer
				}
				if mode == "busy" {
					frame++
					bp.busy(frame)
					m.Update(tickMsg(time.Now())) // refreshes and advances the spinners
				} else {
					m.refresh()
				}
				frameBytes = len(m.View().Content)
			}
			b.ReportMetric(float64(frameBytes), "frame-bytes")
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/frame")
		})
	}
}

// BenchmarkTerminalWrite200x60 measures what reaches the terminal per frame:
// each frame is diffed against the previous one by ultraviolet's terminal
// renderer, the one Bubble Tea uses, and the bytes it writes are counted.
// Idle frames change nothing and should cost no bytes.
func BenchmarkTerminalWrite200x60(b *testing.B) {
	for _, mode := range []string{"idle", "busy"} {
		b.Run(mode, func(b *testing.B) {
			bp := newBenchPool(b)
			m := newBenchModel(bp.fixture)
			term := newFrameWriter(200, 60)
			term.write(m.View().Content) // the first frame draws everything
			var written int64
			frame := 0
			for b.Loop() {
				if mode == "busy" {
					frame++
					bp.busy(frame)
					m.Update(tickMsg(time.Now()))
				} else {
					m.refresh()
				}
				written += term.write(m.View().Content)
			}
			b.ReportMetric(float64(written)/float64(b.N), "written-bytes/frame")
		})
	}
}

// newBenchModel is a colour console at 200×60, as operators run it.
func newBenchModel(f *fixture) *Model {
	opts := testOptions(f, fixtureLogs())
	opts.NoColor = false
	return newSized(opts, 200, 60)
}

// frameWriter diffs frames with ultraviolet's terminal renderer, as Bubble
// Tea's renderer does, and counts the bytes it would send to the terminal.
type frameWriter struct {
	scr *uv.TerminalRenderer
	buf uv.ScreenBuffer
	n   countWriter
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func newFrameWriter(w, h int) *frameWriter {
	f := &frameWriter{buf: uv.NewScreenBuffer(w, h)}
	f.scr = uv.NewTerminalRenderer(&f.n, []string{"TERM=xterm-256color"})
	f.scr.SetFullscreen(true)
	f.scr.Resize(w, h)
	return f
}

// write renders one frame and returns the bytes it cost.
func (f *frameWriter) write(content string) int64 {
	before := f.n.n
	f.buf.Clear()
	uv.NewStyledString(content).Draw(f.buf, f.buf.Bounds())
	f.scr.Render(f.buf.RenderBuffer)
	_ = f.scr.Flush()
	return f.n.n - before
}
