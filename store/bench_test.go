//go:build unix

package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"coupatui/vocab"
)

// cpuTime is the user plus system CPU time of this process so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRecord is the journal as a run uses it: 8 workers, each
// recording its POs synchronously (attempt started, one file, outcome:
// three rows a PO), every Record waiting for its commit. records/s is the
// journal's throughput; record-ns the latency a worker waits per Record,
// and task-ns the latency the journal adds to one PO (its three Records);
// cpu-ns the process's user+system CPU per record, steadier than wall
// time on a busy machine.
func BenchmarkRecord(b *testing.B) {
	const workers, perWorker = 8, 250
	s, err := Open(filepath.Join(b.TempDir(), "journal.sqlite"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var waited atomic.Int64
	records := 0
	cpu0 := cpuTime(b)
	for b.Loop() {
		r, err := s.BeginRun(fmt.Sprintf("/bench/in-%d.xlsx", time.Now().UnixNano()))
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range perWorker {
					po := fmt.Sprint(4500000000 + w*perWorker + i)
					url := "https://acme.coupahost.com/order_headers/" + po
					start := time.Now()
					err := r.Record(ctx, Transition{PO: po, Line: i, State: vocab.TaskRunning, Attempt: 1, Worker: w, URL: url})
					if err == nil {
						err = r.RecordFile(ctx, File{PO: po, Index: 0, Label: "quote.pdf", URL: url + "/attachments/1",
							Name: "quote.pdf", Size: 123456, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"})
					}
					if err == nil {
						err = r.Record(ctx, Transition{PO: po, Line: i, State: vocab.TaskDone, Status: "COMPLETED", Attempt: 1,
							Worker: w, Supplier: "Acme Ltda", Found: 1, Downloaded: 1, Files: []string{"quote.pdf"},
							Folder: "/dl/Acme Ltda/PO" + po + "_COMPLETED", URL: url})
					}
					waited.Add(int64(time.Since(start)))
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		records += 3 * workers * perWorker
		if err := r.Finish(false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(records), "cpu-ns")
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(waited.Load())/float64(records), "record-ns")
	b.ReportMetric(3*float64(waited.Load())/float64(records), "task-ns")
}
