package profiles

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// realisticProfile writes a base profile of about 100 MB laid out like a
// Chromium profile used for weeks: large history and favicons databases,
// local storage, an extension of many small files, and a lot of cache that
// clones leave out. It returns the total bytes written.
func realisticProfile(b *testing.B, dir string) int64 {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var total int64
	write := func(rel string, size int) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			b.Fatal(err)
		}
		data := make([]byte, size)
		for i := 0; i+8 <= len(data); i += 8 { // incompressible, like real databases
			v := rng.Uint64()
			for j := range 8 {
				data[i+j] = byte(v >> (8 * j))
			}
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			b.Fatal(err)
		}
		total += int64(size)
	}
	many := func(folder string, n, size int) {
		for i := range n {
			write(fmt.Sprintf("%s/f_%06x", folder, i), size)
		}
	}
	const kb, mb = 1 << 10, 1 << 20
	// kept by a clone: ~47 MB in ~330 files
	write("Local State", 40*kb)
	write("Default/Preferences", 0)
	if err := os.WriteFile(filepath.Join(dir, "Default", "Preferences"), []byte(`{"profile":{"exit_type":"Normal","name":"Your Chromium"}}`), 0o600); err != nil {
		b.Fatal(err)
	}
	write("Default/Secure Preferences", 8*kb)
	write("Default/Cookies", 1*mb)
	write("Default/Cookies-journal", 0)
	write("Default/History", 18*mb)
	write("Default/Favicons", 6*mb)
	write("Default/Web Data", 3*mb)
	write("Default/Login Data", 200*kb)
	write("Default/Top Sites", 20*kb)
	write("Default/Visited Links", 128*kb)
	write("Default/Network Action Predictor", 2*mb)
	write("Default/Shortcuts", 1*mb)
	write("Default/Local Storage/leveldb/CURRENT", 16)
	write("Default/Local Storage/leveldb/MANIFEST-000001", 1*kb)
	write("Default/Local Storage/leveldb/000005.ldb", 4*mb)
	write("Default/Local Storage/leveldb/000006.log", 1*mb)
	many("Default/Extensions/aapocclcgogkmnckokdopfmhonfmgoek/0.10_0", 300, 10*kb)
	write("Default/Extension State/CURRENT", 16)
	write("Default/Extension State/000003.log", 64*kb)
	write("Default/Platform Notifications/000003.log", 8*kb)
	write("Default/Site Characteristics Database/000003.log", 32*kb)
	write("Default/History Provider Cache", 7*mb)
	// left out by a clone: ~53 MB in ~2000 files
	many("Default/Cache/Cache_Data", 1500, 16*kb)
	many("Default/Code Cache/js", 400, 20*kb)
	many("Default/Service Worker/CacheStorage/abc", 50, 100*kb)
	write("Default/IndexedDB/https_app.example.com_0.indexeddb.leveldb/000003.log", 4*mb)
	write("Default/GPUCache/data_1", 2*mb)
	write("Default/Sessions/Session_13440405541901533", 1*mb)
	write("optimization_guide_model_store/40/model.tflite", 5*mb)
	write("BrowserMetrics-spare.pma", 4*mb)
	return total
}

// BenchmarkClone8x100MB clones a 100 MB profile for 8 workers at once, as
// the pool does when it starts.
func BenchmarkClone8x100MB(b *testing.B) {
	benchClone8(b, 0)
}

// BenchmarkClone8x100MBConcurrency compares bounds on the files copied at once.
func BenchmarkClone8x100MBConcurrency(b *testing.B) {
	for _, n := range []int{1, 2, 4, 8, 16} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) { benchClone8(b, n) })
	}
}

func benchClone8(b *testing.B, concurrency int) {
	m := newTestManager(b, Options{MaxSizeMB: 100, Concurrency: concurrency})
	baseBytes := realisticProfile(b, m.Base())
	var copied int64
	for b.Loop() {
		var wg sync.WaitGroup
		clones := make([]*Clone, 8)
		for i := range clones {
			wg.Go(func() {
				c, err := m.Clone(b.Context(), i)
				if err != nil {
					b.Error(err)
					return
				}
				clones[i] = c
			})
		}
		wg.Wait()
		b.StopTimer()
		copied = 0
		for _, c := range clones {
			if c != nil {
				copied += c.Bytes
			}
		}
		if err := m.RemoveAll(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.SetBytes(copied)
	b.ReportMetric(float64(baseBytes)/(1<<20), "base-MB")
	b.ReportMetric(float64(copied)/8/(1<<20), "copied-MB/clone")
}
