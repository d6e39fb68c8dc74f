package coupa_test

import (
	"testing"
	"time"

	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/vocab"
)

// While a slow file downloads, progress shows it in flight with its bytes
// and total; once complete it leaves the list, with the time it took; the
// result says how long the page took.
func TestProcessReportsFilesInFlight(t *testing.T) {
	shared := sharedBrowser.Get(t)
	t.Parallel()
	const size = 320 << 10 // a little over a second at the simulator's slow pace
	slow := att("Site survey.pdf", size, sim.ShapeDownloadLink)
	slow.Slow = true
	srv := sim.Start(t, sim.Options{Seed: 3, POs: []sim.PO{{
		ID: "4500000901", Supplier: "ACME", Want: vocab.Completed,
		Attachments: []sim.Attachment{slow, att("Quote.pdf", 8<<10, sim.ShapeAttachmentLink)}}}})
	s := newSite(t, srv)
	var reports []coupa.Progress
	res := s.Process(testContext(t), shared, coupa.Job{PO: "4500000901"}, func(p coupa.Progress) {
		reports = append(reports, p)
	})
	if res.Status != vocab.Completed {
		t.Fatalf("result %v", res)
	}
	if res.PageTime <= 0 || res.PageTime > 30*time.Second {
		t.Errorf("page time %s", res.PageTime)
	}
	var partial, savedSlow bool
	for _, p := range reports {
		for _, f := range p.InFlight {
			if f.Name == "Site survey.pdf" && f.Total == size && f.Done > 0 && f.Done < size {
				partial = true
			}
			if f.Done > f.Total && f.Total > 0 {
				t.Fatalf("more done than total: %+v", f)
			}
		}
		if p.Saved != nil && p.Saved.Name == "Site survey.pdf" {
			savedSlow = true
			if p.Took < 500*time.Millisecond {
				t.Errorf("the slow file took %s", p.Took)
			}
			for _, f := range p.InFlight {
				if f.Name == "Site survey.pdf" {
					t.Errorf("still in flight once saved: %+v", p.InFlight)
				}
			}
		}
	}
	if !partial || !savedSlow {
		t.Fatalf("no report of the slow file part way (%v) or saved (%v): %+v", partial, savedSlow, reports)
	}
	if last := reports[len(reports)-1]; len(last.InFlight) != 0 {
		t.Errorf("the last report still has files in flight: %+v", last.InFlight)
	}
}
