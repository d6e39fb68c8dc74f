//go:build unix

package store

import (
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the user plus system CPU time of this process so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRecord100k records 100,000 transitions (25,000 POs going
// queued → running → done, plus a retry every tenth PO) and finishes the run, so
// every row is on disk when the clock stops. record-ns is the time spent
// inside Record calls alone, what the pool would wait; cpu-ns is the
// process's user+system CPU per record, steadier than wall time on a busy
// machine.
func BenchmarkRecord100k(b *testing.B) {
	const n = 100_000
	s, err := Open(filepath.Join(b.TempDir(), "journal.sqlite"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	states := []string{StateQueued, StateRunning, StateRetrying, StateDone}
	var inRecord time.Duration
	cpu0 := cpuTime(b)
	for b.Loop() {
		r, err := s.BeginRun(fmt.Sprintf("/bench/in-%d.xlsx", time.Now().UnixNano()))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for i := range n {
			po := 4500000000 + i/len(states)
			t := Transition{PO: fmt.Sprint(po), Line: i / len(states), State: states[i%len(states)],
				Attempt: 1, Worker: i % 8, Supplier: "Acme Ltda",
				URL: "https://acme.coupahost.com/order_headers/" + fmt.Sprint(po)}
			if t.State == StateDone {
				t.Status, t.Found, t.Downloaded = "COMPLETED", 2, 2
				t.Files = []string{"quote.pdf", "invoice.pdf"}
				t.Folder = "/dl/Acme Ltda/PO" + t.PO + "_COMPLETED"
			}
			if err := r.Record(t); err != nil {
				b.Fatal(err)
			}
		}
		inRecord += time.Since(start)
		if err := r.Finish(false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(n*b.N), "cpu-ns")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(inRecord.Nanoseconds())/float64(n*b.N), "record-ns")
}

// BenchmarkRecordCall is the cost of one Record while the writer keeps up,
// as in a real run: bursts of 1,000 (well under the queue), each followed
// by an untimed Flush.
func BenchmarkRecordCall(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "journal.sqlite"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r, err := s.BeginRun("/bench/in.xlsx")
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if err := r.Record(Transition{PO: fmt.Sprint(4500000000 + i%5000), State: StateRunning, Attempt: 1}); err != nil {
			b.Fatal(err)
		}
		if i++; i%1000 == 0 {
			b.StopTimer()
			if err := r.Flush(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	}
	b.StopTimer()
	if err := r.Finish(false); err != nil {
		b.Fatal(err)
	}
}
