package ui

import (
	"fmt"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"

	"coupatui/coupa"
	"coupatui/pool"
)

// benchPool is a run of 100,000 queued tasks with 8 busy workers.
func benchPool(b *testing.B) *fakePool {
	b.Helper()
	fp := newFakePool(fixedClock)
	for i := range 8 {
		fp.addTask(fmt.Sprintf("45%08d", i), pool.Normal, pool.Running, func(t *pool.TaskInfo) {
			t.Attempts, t.Started = 1, testNow.Add(-time.Duration(i)*time.Second)
			t.Progress = coupa.Progress{Phase: "downloading", Found: 10, Done: i}
		})
	}
	prios := []pool.Priority{pool.Urgent, pool.High, pool.Normal, pool.Low}
	for i := range 100_000 {
		fp.addTask(fmt.Sprintf("46%08d", i), prios[i%4], pool.Queued, nil)
	}
	fp.setWorkers(8)
	fp.Tasks(pool.TaskQuery{Limit: 1}) // build the fake's display order once
	return fp
}

// busy advances every running task and worker, as a frame during a run
// would see.
func (f *fakePool) busy(frame int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.workers {
		w := &f.workers[i]
		w.Progress.Done = (w.Progress.Done + 1) % 11
		w.MemBytes += 1 << 20
		if t := f.tasks[w.PO]; t != nil {
			t.Progress = w.Progress
		}
	}
	f.res.UsagePercent = 50 + float64(frame%30)
	f.res.CPUPercent = float64(frame % 100)
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
			fp := benchPool(b)
			m := newBenchModel(fp)
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
					fp.busy(frame)
					m.Update(tickMsg(testNow)) // refreshes and advances the spinners
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
			fp := benchPool(b)
			m := newBenchModel(fp)
			term := newFrameWriter(200, 60)
			term.write(m.View().Content) // the first frame draws everything
			var written int64
			frame := 0
			for b.Loop() {
				if mode == "busy" {
					frame++
					fp.busy(frame)
					m.Update(tickMsg(testNow))
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
func newBenchModel(fp *fakePool) *Model {
	opts := testOptions(fp, fixtureLogs())
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
