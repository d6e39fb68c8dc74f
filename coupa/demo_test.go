package coupa_test

import (
	"context"
	"os"
	"testing"
	"time"

	"coupatui/coupa"
	"coupatui/coupa/sim"
)

// TestDemoCatalogue runs every PO of sim.Demo (latency off), retrying
// retryable outcomes as the pool would, and checks each reaches its Want
// with the expected files. It takes over a minute on 2 busy cores, so it
// runs only with COUPATUI_LONG_TESTS=1.
func TestDemoCatalogue(t *testing.T) {
	if os.Getenv("COUPATUI_LONG_TESTS") == "" {
		t.Skip("set COUPATUI_LONG_TESTS=1 to run the whole demo catalogue")
	}
	shared := sharedBrowser.Get(t)
	opts := sim.Demo(42)
	opts.Latency, opts.Jitter = 0, 0
	srv := sim.Start(t, opts)
	s := newSite(t, srv)
	for _, po := range srv.Catalogue() {
		var res coupa.Result
		for attempt := 0; attempt < 3; attempt++ {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			res = s.Process(ctx, shared, coupa.Job{PO: po.ID}, nil)
			cancel()
			if !res.Retryable {
				break
			}
		}
		if res.Status != po.Want {
			t.Errorf("PO %s: %v, want %s", po.ID, res, po.Want)
			continue
		}
		assertFiles(t, srv, res)
	}
	assertContained(t, s.Root)
	if st := srv.Stats(); st.Assets != 0 || len(st.ConcurrentPOViolations) != 0 {
		t.Errorf("assets %d, violations %v", st.Assets, st.ConcurrentPOViolations)
	}
}
