package sim

import (
	"fmt"
	"testing"
	"time"
)

func TestJitterIsDeterministicFromSeed(t *testing.T) {
	opts := Options{NoAssets: true, Latency: 300 * time.Millisecond, Jitter: 200 * time.Millisecond}
	delays := func(seed int64) []time.Duration {
		o := opts
		o.Seed = seed
		s := Start(t, o)
		var out []time.Duration
		for _, path := range []string{"/order_headers/1", "/order_headers/2", "/requisition_headers/3"} {
			for n := range 20 {
				out = append(out, s.latencyFor(path, n))
			}
		}
		return out
	}
	a, b, other := delays(42), delays(42), delays(43)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("same seed, different latencies")
	}
	if fmt.Sprint(a) == fmt.Sprint(other) {
		t.Errorf("seeds 42 and 43 gave the same latencies")
	}
	lo, hi := time.Duration(1<<62), time.Duration(0)
	for _, d := range a {
		if d < 100*time.Millisecond || d > 500*time.Millisecond {
			t.Errorf("latency %v outside 300±200 ms", d)
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	if hi-lo < 200*time.Millisecond {
		t.Errorf("60 latencies spread over only %v of a 400 ms range", hi-lo)
	}
}

func TestLatencyWithoutJitterIsExactAndNeverNegative(t *testing.T) {
	s := Start(t, Options{NoAssets: true, Latency: 70 * time.Millisecond})
	for n := range 5 {
		if d := s.latencyFor("/x", n); d != 70*time.Millisecond {
			t.Errorf("latency %v, want 70ms", d)
		}
	}
	wide := Start(t, Options{NoAssets: true, Latency: 10 * time.Millisecond, Jitter: time.Second})
	for n := range 50 {
		if d := wide.latencyFor("/x", n); d < 0 {
			t.Errorf("negative latency %v", d)
		}
	}
}

func TestPagesWaitTheirLatency(t *testing.T) {
	const latency = 150 * time.Millisecond
	s := Start(t, Options{NoAssets: true, Latency: latency, POs: []PO{{ID: "4500001301",
		Attachments: []Attachment{{ID: "f", Name: "f.pdf", Size: 10}}}}})
	c := newClient(t)
	start := time.Now()
	mustStatus(t, c, s.URL()+"/order_headers/4500001301", 200)
	// A lower bound only: a busy machine can make it slower, never faster.
	if d := time.Since(start); d < latency {
		t.Errorf("page answered in %v, before its %v latency", d, latency)
	}
	s.mu.Lock()
	hits := s.pageHits["/order_headers/4500001301"]
	s.mu.Unlock()
	if hits != 1 {
		t.Errorf("page hits not counted per path")
	}
}

func TestNegativeLatencyIsRefused(t *testing.T) {
	if _, err := New(Options{Latency: -time.Second}); err == nil {
		t.Error("negative latency accepted")
	}
	if _, err := New(Options{Jitter: -time.Second}); err == nil {
		t.Error("negative jitter accepted")
	}
}
