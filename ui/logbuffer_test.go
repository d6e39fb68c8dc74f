package ui

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"
)

func newRecord(msg string) slog.Record {
	return slog.NewRecord(testNow, slog.LevelInfo, msg, 0)
}

func TestLogBufferKeepsTheLastRecordsInOrder(t *testing.T) {
	lb := NewLogBuffer(3)
	lg := slog.New(lb)
	for i := range 5 {
		lg.Info(fmt.Sprintf("m%d", i))
	}
	got, seq := lb.Since(0, nil)
	if seq != 5 || len(got) != 3 || got[0].Message != "m2" || got[2].Message != "m4" || got[2].Seq != 5 {
		t.Fatalf("Since(0) = %+v, seq %d", got, seq)
	}
	got, _ = lb.Since(3, nil)
	if len(got) != 2 || got[0].Message != "m3" {
		t.Fatalf("Since(3) = %+v", got)
	}
	if got, _ = lb.Since(5, nil); len(got) != 0 {
		t.Fatalf("Since(newest) = %+v", got)
	}
}

func TestLogBufferFormatsAttrsGroupsAndLevels(t *testing.T) {
	lb := NewLogBuffer(10)
	lg := slog.New(lb).With("worker", 2).WithGroup("task")
	lg.Warn("slow page", "po", "4500000123", "note", "took long", slog.Group("dl", "files", 3))
	lg.Debug("hidden at Info")
	got, _ := lb.Since(0, nil)
	if len(got) != 1 {
		t.Fatalf("want 1 entry (debug filtered), got %d", len(got))
	}
	e := got[0]
	if e.LevelWord() != "WARN" || e.Attrs != `worker=2 task.po=4500000123 task.note="took long" task.dl.files=3` {
		t.Fatalf("entry %+v", e)
	}
	if want := e.Time.Format("15:04:05") + " WARN slow page " + e.Attrs; e.Text() != want {
		t.Fatalf("Text() = %q, want %q", e.Text(), want)
	}
}

// TestLogBufferNeverBlocksLoggers logs from many goroutines while a reader
// copies entries out; the race detector checks the locking.
func TestLogBufferConcurrentUse(t *testing.T) {
	lb := NewLogBuffer(64)
	lg := slog.New(lb)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				lg.Info("x", "g", g, "i", i)
			}
		})
	}
	stop := make(chan struct{})
	var reader sync.WaitGroup
	reader.Go(func() {
		var seq uint64
		var buf []LogEntry
		for {
			select {
			case <-stop:
				return
			default:
			}
			buf, seq = lb.Since(seq, buf[:0])
			for i := 1; i < len(buf); i++ {
				if buf[i].Seq != buf[i-1].Seq+1 {
					t.Errorf("entries out of order: %d then %d", buf[i-1].Seq, buf[i].Seq)
					return
				}
			}
		}
	})
	wg.Wait()
	close(stop)
	reader.Wait()
	if lb.Seq() != 2000 {
		t.Fatalf("kept %d records, want 2000", lb.Seq())
	}
}

func BenchmarkLogBufferHandle(b *testing.B) {
	lb := NewLogBuffer(5000)
	h := lb.WithAttrs([]slog.Attr{slog.Int("worker", 3)})
	ctx := context.Background()
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "task finished", 0)
	r.AddAttrs(slog.String("po", "4500000123"), slog.String("status", "COMPLETED"))
	b.ReportAllocs()
	for b.Loop() {
		_ = h.Handle(ctx, r)
	}
}
