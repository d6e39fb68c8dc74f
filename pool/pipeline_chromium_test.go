package pool_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/pool"
	"coupatui/vocab"
)

// folderFiles checks that PO po's one folder under root holds exactly the
// files the simulator meant, with their bytes.
func folderFiles(t *testing.T, root string, srv *sim.Server, po string) {
	t.Helper()
	folders, _ := filepath.Glob(filepath.Join(root, "*", "PO"+po+"_*"))
	if len(folders) != 1 {
		t.Errorf("PO%s folders: %v, want one", po, folders)
		return
	}
	entries, _ := os.ReadDir(folders[0])
	got := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(folders[0], e.Name()))
		if err != nil {
			t.Error(err)
			continue
		}
		sum := sha256.Sum256(b)
		got[e.Name()] = hex.EncodeToString(sum[:])
	}
	want := map[string]string{}
	for _, f := range srv.Expected(po) {
		want[f.Name] = f.SHA256
	}
	if len(got) != len(want) {
		t.Errorf("PO%s folder %s holds %v, want %v", po, filepath.Base(folders[0]), keys(got), keys(want))
		return
	}
	for name, sum := range want {
		if got[name] != sum {
			t.Errorf("PO%s: %s has sha256 %q, want %q (folder holds %v)", po, name, got[name], sum, keys(got))
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// A pipelined worker opens the next PO while the previous one's files that
// only a click gets are still downloading through the browser: each PO's
// browser downloads land in that PO's own folder (the public downloader
// put them into the next PO's folder when it switched the browser's
// download folder too early), and each file is downloaded once.
func TestRealPipelinedBrowserDownloadsLandInTheirOwnPOFolders(t *testing.T) {
	var pos []sim.PO
	for i := range 3 {
		po := sim.PO{ID: "45003000" + string(rune('1'+i)) + "0", Supplier: "Clicks Ltd", Want: vocab.Completed}
		for j := range 2 {
			a := sim.Attachment{Name: "PO" + po.ID + " part " + string(rune('A'+j)) + ".pdf", Size: 20 << 10, Shape: sim.ShapeButton}
			if j == 0 {
				a.Size, a.Slow = 384<<10, true // ~1.5 s through the browser: the next page opens meanwhile
			}
			po.Attachments = append(po.Attachments, a)
		}
		pos = append(pos, po)
	}
	cfg := testConfig(1)
	cfg.PipelineDepth = 2
	rp := startReal(t, cfg, sim.Options{POs: pos, Latency: 200 * time.Millisecond})
	hs := submitPOs(t, rp.Pool, pos)
	got := waitAll(t, hs, 3*time.Minute)
	for i, ti := range got {
		if ti.Result.Status != vocab.Completed || ti.Result.Downloaded != 2 {
			t.Errorf("PO%s: %s, %d files (%v)", ti.PO, ti.Result.Status, ti.Result.Downloaded, ti.Errors)
		}
		if i > 0 && !ti.Started.Before(got[i-1].Finished) {
			t.Errorf("PO%s started at %s, after PO%s finished (%s): the worker did not pipeline",
				ti.PO, ti.Started.Format("15:04:05.000"), got[i-1].PO, got[i-1].Finished.Format("15:04:05.000"))
		}
		folderFiles(t, rp.root, rp.srv, ti.PO)
	}
	stats := rp.srv.Stats()
	for _, po := range pos {
		p, _ := rp.srv.PO(po.ID)
		for _, a := range p.Attachments {
			if n := stats.Downloads[a.ID]; n != 1 {
				t.Errorf("PO%s %s downloaded %d times, want once", po.ID, a.Name, n)
			}
		}
	}
}

// files is a journal's files table in memory: the files each PO had
// complete on disk, recorded as the pool reports them, given back to the
// PO's next attempt as Job.Have (what run's journal does).
type files struct {
	mu  sync.Mutex
	got map[string][]coupa.File
}

func (f *files) Record(_ context.Context, ev pool.Event) error {
	if ev.Kind == pool.EvTaskProgress && ev.Task != nil && ev.Task.Progress.Saved != nil {
		f.mu.Lock()
		f.got[ev.Task.PO] = append(f.got[ev.Task.PO], *ev.Task.Progress.Saved)
		f.mu.Unlock()
	}
	return nil
}

type haveEngine struct {
	pool.Engine
	f *files
}

func (e haveEngine) Launch(ctx context.Context, worker int) (pool.Browser, error) {
	b, err := e.Engine.Launch(ctx, worker)
	if err != nil {
		return nil, err
	}
	return haveBrowser{Browser: b, f: e.f}, nil
}

type haveBrowser struct {
	pool.Browser
	f *files
}

func (b haveBrowser) Process(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	b.f.mu.Lock()
	job.Have = slices.Clone(b.f.got[job.PO])
	b.f.mu.Unlock()
	return b.Browser.Process(ctx, job, progress)
}

// A browser killed while it holds two POs — one downloading its files, the
// next one loading its page — has both retried; the files that were
// complete on disk are kept, so each file is downloaded once.
func TestRealBrowserKilledWithTwoPOsRetriesBothEachFileOnce(t *testing.T) {
	var pos []sim.PO
	for i, id := range []string{"4500310001", "4500310002", "4500310003"} {
		po := sim.PO{ID: id, Supplier: "Twice Inc", Want: vocab.Completed}
		for j, shape := range []sim.Shape{sim.ShapeAttachmentLink, sim.ShapeDownloadLink, sim.ShapeDownloadAttr} {
			po.Attachments = append(po.Attachments, sim.Attachment{Name: id + "-" + string(rune('a'+j)) + ".pdf", Size: (8 + i) << 10, Shape: shape})
		}
		pos = append(pos, po)
	}
	cfg := testConfig(1)
	cfg.PipelineDepth = 2
	exec := testkit.Chromium(t)
	srv := sim.Start(t, sim.Options{POs: pos, Latency: time.Second, DownloadLatency: 1500 * time.Millisecond})
	tmp := t.TempDir()
	root := filepath.Join(tmp, "downloads")
	profiles := filepath.Join(tmp, "profiles")
	os.MkdirAll(profiles, 0o700)
	journal := &files{got: map[string][]coupa.File{}}
	engine := realEngine(exec, srv, root, profiles)
	t.Cleanup(func() { (&realPool{profiles: profiles}).assertClean(t) }) // runs after startSubscribed's shutdown
	p, _ := startSubscribed(t, cfg, pool.Deps{Engine: haveEngine{Engine: engine, f: journal}, Recorder: journal})

	hs := submitPOs(t, p, pos)
	// The first PO's files are held by the server, the second PO's page too.
	testkit.WaitFor(t, "two POs in the browser", time.Minute, func() bool {
		return hs[0].Status().State == vocab.TaskRunning && hs[1].Status().State == vocab.TaskRunning && srv.Stats().InFlight >= 2
	})
	pid := p.Snapshot().Workers[0].PID
	if w := p.Snapshot().Workers[0]; len(w.Tasks) != 2 {
		t.Fatalf("worker holds %d POs, want 2", len(w.Tasks))
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.Kill(); err != nil {
		t.Fatal(err)
	}
	got := waitAll(t, hs, 3*time.Minute)
	for i, ti := range got {
		want := 2
		if i == 2 {
			want = 1
		}
		if ti.Result.Status != vocab.Completed || ti.Attempts != want {
			t.Errorf("PO%s: %s after %d attempts (%v), want COMPLETED after %d", ti.PO, ti.Result.Status, ti.Attempts, ti.Errors, want)
		}
		folderFiles(t, root, srv, ti.PO)
	}
	stats := srv.Stats()
	for _, po := range pos {
		p, _ := srv.PO(po.ID)
		for _, a := range p.Attachments {
			if n := stats.Downloads[a.ID]; n != 1 {
				t.Errorf("PO%s %s downloaded %d times, want once", po.ID, a.Name, n)
			}
		}
	}
	if w := p.Snapshot().Workers[0]; w.Restarts != 1 {
		t.Errorf("worker restarted %d times, want once", w.Restarts)
	}
}
