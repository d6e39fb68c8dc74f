package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"coupatui/coupa/sim"
	"coupatui/sheet"
	"coupatui/vocab"
)

// benchSite is what every run of `coupatui bench` works on: the same POs,
// the same latencies (a fresh simulator per run, from the same seed).
type benchSite struct {
	pos     []sim.PO
	latency time.Duration
}

const benchSeed = 1

// newBenchSite makes n POs with between minAtt and maxAtt attachments of
// size bytes each, every one linked by URL, the list inserted 50 ms after
// the page's load event.
func newBenchSite(n, minAtt, maxAtt int, size int64, latency time.Duration) benchSite {
	rng := rand.New(rand.NewPCG(benchSeed, 13))
	shapes := []sim.Shape{sim.ShapeAttachmentLink, sim.ShapeDownloadLink, sim.ShapeDownloadAttr}
	pos := make([]sim.PO, n)
	for i := range pos {
		po := sim.PO{
			ID:          fmt.Sprintf("47%08d", i+1),
			Supplier:    fmt.Sprintf("Bench Supplier %d", i%7+1),
			InsertDelay: 50 * time.Millisecond,
			Want:        vocab.Completed,
		}
		k := minAtt
		if maxAtt > minAtt {
			k += rng.IntN(maxAtt - minAtt + 1)
		}
		for j := range k {
			po.Attachments = append(po.Attachments, sim.Attachment{
				Name:  fmt.Sprintf("PO%s document %d.pdf", po.ID, j+1),
				Size:  int(size),
				Shape: shapes[(i+j)%len(shapes)],
			})
		}
		if k == 0 {
			po.Want = vocab.NoAttachments
		}
		pos[i] = po
	}
	return benchSite{pos: pos, latency: latency}
}

// serve starts a fresh simulator of the site: pages and download starts
// take the latency ±50%.
func (s benchSite) serve() (*sim.Server, error) {
	return sim.New(sim.Options{
		Seed:    benchSeed,
		Latency: s.latency, Jitter: s.latency / 2,
		DownloadLatency: s.latency, DownloadJitter: s.latency / 2,
		POs: s.pos,
	})
}

func (s benchSite) attachments() int {
	n := 0
	for _, po := range s.pos {
		n += len(po.Attachments)
	}
	return n
}

// writeInput writes the workbook every run reads.
func (s benchSite) writeInput(path string) error {
	rows := make([][]string, len(s.pos))
	for i, po := range s.pos {
		rows[i] = []string{po.ID}
	}
	return sheet.WriteInput(path, []string{"PO_NUMBER"}, rows)
}
