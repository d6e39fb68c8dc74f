package coupa_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/vocab"
)

// BenchmarkProcess measures the wall time of one PO against the simulator
// at 150 ms page latency (no jitter), on the shared browser: a PO with no
// attachments, and one with three 200 KB attachments. Each iteration uses a
// fresh PO, so every file is really downloaded.
func BenchmarkProcess(b *testing.B) {
	shared := sharedBrowser.Get(b)
	for _, bc := range []struct {
		name  string
		files int
	}{{"no-attachments", 0}, {"three-200KB", 3}} {
		b.Run(bc.name, func(b *testing.B) {
			srv, err := sim.New(sim.Options{Seed: 1, Latency: 150 * time.Millisecond})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			s := &coupa.Site{BaseURL: srv.URL(), Root: b.TempDir(), PageTimeout: 30 * time.Second, MarkerTimeout: 15 * time.Second}
			id := 4600000000
			addPO := func() string {
				id++
				po := sim.PO{ID: fmt.Sprint(id), Supplier: "Bench Co", InsertDelay: time.Millisecond}
				for i := range bc.files {
					po.Attachments = append(po.Attachments, sim.Attachment{Name: fmt.Sprintf("file-%d.pdf", i), Size: 200 << 10,
						Shape: []sim.Shape{sim.ShapeAttachmentLink, sim.ShapeDownloadLink, sim.ShapeDownloadAttr}[i%3]})
				}
				if err := srv.AddPO(po); err != nil {
					b.Fatal(err)
				}
				return po.ID
			}
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				b.StopTimer()
				po := addPO()
				b.StartTimer()
				res := s.Process(context.Background(), shared, coupa.Job{PO: po}, nil)
				want := vocab.Completed
				if bc.files == 0 {
					want = vocab.NoAttachments
				}
				if res.Status != want {
					b.Fatalf("PO %s: %v", po, res)
				}
			}
			b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/PO")
		})
	}
}
