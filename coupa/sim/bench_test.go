package sim

import (
	"io"
	"net/http"
	"testing"
)

func benchClient(b *testing.B) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	b.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func benchGet(b *testing.B, c *http.Client, url string) int64 {
	resp, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d, %v", url, resp.StatusCode, err)
	}
	return n
}

// BenchmarkPOPage is the cost of one PO page with no latency: the ceiling
// the simulator puts on a client's page rate.
func BenchmarkPOPage(b *testing.B) {
	opts := Demo(1)
	opts.Latency, opts.Jitter = 0, 0
	s := Start(b, opts)
	c := benchClient(b)
	url := s.URL() + "/order_headers/4500001002"
	b.ReportAllocs()
	for b.Loop() {
		benchGet(b, c, url)
	}
}

func BenchmarkPOPageParallel(b *testing.B) {
	s := Start(b, Options{NoAssets: true, POs: Demo(1).POs, Requisitions: Demo(1).Requisitions})
	c := benchClient(b)
	url := s.URL() + "/order_headers/4500001005"
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchGet(b, c, url)
		}
	})
}

func BenchmarkDownload1MB(b *testing.B) {
	s := Start(b, Options{NoAssets: true, POs: []PO{{ID: "1", Attachments: []Attachment{{ID: "m", Name: "m.pdf", Size: 1 << 20}}}}})
	c := benchClient(b)
	b.SetBytes(1 << 20)
	b.ReportAllocs()
	for b.Loop() {
		benchGet(b, c, s.URL()+"/files/m")
	}
}

func BenchmarkGenerateContent2MB(b *testing.B) {
	a := Attachment{ID: "x", Name: "x.pdf", Size: 2 << 20}
	b.SetBytes(int64(a.Size))
	for b.Loop() {
		generateContent(1, a)
	}
}

func BenchmarkNewDemoServer(b *testing.B) {
	opts := Demo(1)
	b.ReportAllocs()
	for b.Loop() {
		s, err := New(opts)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
