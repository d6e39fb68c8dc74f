package sim

import (
	"testing"
	"time"
)

// The server times each PO's page and each download of its files on its
// own clock, and holds downloads for DownloadLatency before the first byte.
func TestTimingsAndDownloadLatency(t *testing.T) {
	const lat = 40 * time.Millisecond
	s := Start(t, Options{Seed: 3, Latency: lat, DownloadLatency: lat, NoAssets: true, POs: []PO{
		{ID: "4500000001", Attachments: []Attachment{
			{ID: "a", Name: "a.pdf", Size: 1000, Shape: ShapeAttachmentLink},
			{ID: "b", Name: "b.pdf", Size: 2000, Shape: ShapeDownloadLink},
		}},
		{ID: "4500000002"},
	}})
	c := newClient(t)
	mustStatus(t, c, s.URL()+"/order_headers/4500000001", 200)
	start := time.Now()
	mustStatus(t, c, s.URL()+"/order_headers/4500000001/attachments/a", 200)
	if d := time.Since(start); d < lat {
		t.Errorf("download answered after %v, want at least DownloadLatency %v", d, lat)
	}
	mustStatus(t, c, s.URL()+"/download?file=b", 200)
	mustStatus(t, c, s.URL()+"/download?file=b", 200)

	got := s.Timings()
	if len(got) != 1 || got[0].PO != "4500000001" {
		t.Fatalf("timings %+v, want one for PO 4500000001 (the other was never served)", got)
	}
	tm := got[0]
	if len(tm.Pages) != 1 || tm.Pages[0] < lat {
		t.Errorf("pages %v, want one load of at least %v", tm.Pages, lat)
	}
	if len(tm.Files["a"]) != 1 || len(tm.Files["b"]) != 2 {
		t.Fatalf("files %v, want one download of a and two of b", tm.Files)
	}
	if tm.SlowestFile() != tm.Files["b"][0]+tm.Files["b"][1] {
		t.Errorf("slowest file %v, want b's two attempts summed (%v)", tm.SlowestFile(), tm.Files["b"])
	}
	if tm.CriticalPath() != tm.Page()+tm.SlowestFile() {
		t.Errorf("critical path %v, want page %v + slowest file %v", tm.CriticalPath(), tm.Page(), tm.SlowestFile())
	}
	if !tm.Last.After(tm.First) || tm.Last.Sub(tm.First) < tm.Page() {
		t.Errorf("span %v..%v shorter than the page alone", tm.First, tm.Last)
	}
}
