package monitor

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"testing"
	"time"
)

// fakeProcs is a process table, per-process memory and a start clock that a
// test edits between samples; it counts what the sampler reads.
type fakeProcs struct {
	table     procTable
	mem       map[int]uint64 // pid → bytes; absent: the process is gone
	kind      map[int]string // pid → measure; absent: pss
	clock     uint64         // the start clock, in procInfo.start units
	scans     int            // full table scans
	statReads int            // single-process reads
	memReads  map[int]int    // pid → memory readings
	scanErr   error
}

func newFakeProcs() *fakeProcs {
	return &fakeProcs{table: procTable{1: {ppid: 0}}, mem: map[int]uint64{}, kind: map[int]string{}, memReads: map[int]int{}}
}

// add puts a process in the table, started at the current start clock.
func (f *fakeProcs) add(pid, ppid int, pss, rss uint64) {
	f.table[pid] = procInfo{ppid: ppid, start: f.clock, rss: rss}
	f.mem[pid] = pss
}

func (f *fakeProcs) set(pid int, edit func(*procInfo)) {
	p := f.table[pid]
	edit(&p)
	f.table[pid] = p
}

func (f *fakeProcs) scanAll(_ context.Context, into procTable) error {
	if f.scanErr != nil {
		return f.scanErr
	}
	f.scans++
	maps.Copy(into, f.table)
	return nil
}

func (f *fakeProcs) read(_ context.Context, pid int) (procInfo, error) {
	f.statReads++
	p, ok := f.table[pid]
	if !ok {
		return procInfo{}, fmt.Errorf("process %d: %w", pid, os.ErrNotExist)
	}
	return p, nil
}

func (f *fakeProcs) startClock() (uint64, error) { return f.clock, nil }

func (f *fakeProcs) readMem(_ context.Context, pid int) (uint64, string, error) {
	n, ok := f.mem[pid]
	if !ok {
		return 0, "", fmt.Errorf("process %d: %w", pid, os.ErrNotExist)
	}
	f.memReads[pid]++
	kind := f.kind[pid]
	if kind == "" {
		kind = KindPSS
	}
	return n, kind, nil
}

func (f *fakeProcs) totalMemReads() int {
	n := 0
	for _, r := range f.memReads {
		n += r
	}
	return n
}

// newFakeTreeSampler returns a sampler over f whose clock the test moves.
func newFakeTreeSampler(f *fakeProcs, cfg treeConfig) (*treeSampler, *manualClock) {
	clock := &manualClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	ts := newTreeSampler(f, f.readMem, cfg)
	ts.now = clock.now
	return ts, clock
}

func mustSample(t *testing.T, ts *treeSampler, trees map[int]int) map[int]ProcTree {
	t.Helper()
	got, err := ts.sample(t.Context(), trees)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestTreeSamplerWalksTheWholeTree(t *testing.T) {
	f := newFakeProcs()
	f.add(100, 1, 100*mib, 300*mib) // browser
	f.add(101, 100, 20*mib, 80*mib) // zygote
	f.add(102, 100, 30*mib, 90*mib) // network service
	f.add(103, 101, 40*mib, 70*mib) // renderer, a grandchild
	f.add(200, 1, 999*mib, 999*mib) // another program
	f.add(201, 200, 999*mib, 999*mib)
	ts, _ := newFakeTreeSampler(f, treeConfig{refresh: 2, maxAge: time.Minute, rescan: time.Minute})

	trees := mustSample(t, ts, map[int]int{7: 100, 8: 999})
	want := ProcTree{PID: 100, Procs: 4, Bytes: 190 * mib, Kind: KindPSS}
	if got := trees[7]; got != want {
		t.Fatalf("tree 7 = %+v, want %+v", got, want)
	}
	if _, ok := trees[8]; ok {
		t.Fatal("a tree whose root does not exist was reported")
	}
	if f.memReads[200] != 0 || f.memReads[201] != 0 {
		t.Fatal("processes outside tracked trees were measured")
	}

	// A process that exits between its stat line and its memory reading is
	// left out, as is one that exited before.
	delete(f.mem, 102)
	delete(f.table, 103)
	f.add(104, 101, 5*mib, 50*mib)
	delete(f.mem, 104)
	trees = mustSample(t, ts, map[int]int{7: 100})
	if got := trees[7]; got.Procs != 3 || got.Bytes != 150*mib {
		t.Fatalf("after 103 exited and 104 vanished before its reading: %+v, want 3 procs 150 MiB", got)
	}
}

func TestTreeSamplerCPU(t *testing.T) {
	f := newFakeProcs()
	f.clock = 10
	f.add(200, 1, mib, mib) // an old browser, tracked later
	f.add(201, 200, mib, mib)
	f.set(200, func(p *procInfo) { p.cpu = 50 })
	f.clock = 1000
	for pid := 100; pid <= 103; pid++ {
		f.add(pid, 1, mib, mib)
		f.set(pid, func(p *procInfo) { p.cpu = 10 })
	}
	for pid := 101; pid <= 103; pid++ {
		f.set(pid, func(p *procInfo) { p.ppid = 100 })
	}
	ts, clock := newFakeTreeSampler(f, treeConfig{rescan: time.Hour})

	if got := mustSample(t, ts, map[int]int{1: 100})[1].CPU; got != 0 {
		t.Fatalf("first reading CPU %.1f, want 0 (no interval yet)", got)
	}

	clock.advance(2 * time.Second)
	f.clock = 1200
	f.set(100, func(p *procInfo) { p.cpu = 11 })              // +1 s
	f.set(101, func(p *procInfo) { p.cpu = 10.5 })            // +0.5 s
	delete(f.table, 103)                                      // exited: its last interval is lost
	f.table[104] = procInfo{ppid: 100, start: 1100, cpu: 0.2} // started since the last sample: counts in full
	f.table[102] = procInfo{ppid: 100, start: 1150, cpu: 0.3} // pid reused by a new process
	f.mem[104] = mib
	got := mustSample(t, ts, map[int]int{1: 100, 2: 200})
	want := (1 + 0.5 + 0.2 + 0.3) / 2 * 100
	if d := got[1].CPU - want; d < -1e-9 || d > 1e-9 {
		t.Fatalf("tree CPU %.3f%%, want %.3f%%", got[1].CPU, want)
	}
	if got[2].CPU != 0 {
		t.Fatalf("newly tracked old browser: CPU %.1f%%, want 0 (its 50 s are not from this interval)", got[2].CPU)
	}

	clock.advance(time.Second)
	f.set(200, func(p *procInfo) { p.cpu = 50.25 })
	if got := mustSample(t, ts, map[int]int{1: 100, 2: 200})[2].CPU; got != 25 {
		t.Fatalf("tree 2 after +0.25 s in 1 s: %.2f%%, want 25%%", got)
	}
}

func TestTreeSamplerRescansOnlyWhenDue(t *testing.T) {
	f := newFakeProcs()
	f.add(100, 1, mib, mib)
	f.add(101, 100, mib, mib)
	f.add(300, 1, mib, mib)
	ts, clock := newFakeTreeSampler(f, treeConfig{rescan: 5 * time.Second})
	trees := map[int]int{1: 100}

	mustSample(t, ts, trees)
	if f.scans != 1 {
		t.Fatalf("first sample: %d scans, want 1", f.scans)
	}
	for sec := 1; sec <= 4; sec++ {
		clock.advance(time.Second)
		if sec == 2 {
			f.add(102, 101, mib, mib) // a new helper: found by the next rescan
		}
		reads := f.statReads
		got := mustSample(t, ts, trees)
		if f.scans != 1 || f.statReads-reads != 2 {
			t.Fatalf("at %ds: %d scans and %d stat reads, want 1 scan and the 2 known members", sec, f.scans, f.statReads-reads)
		}
		if got[1].Procs != 2 {
			t.Fatalf("at %ds: %d procs before the rescan, want 2", sec, got[1].Procs)
		}
	}
	clock.advance(time.Second)
	if got := mustSample(t, ts, trees); f.scans != 2 || got[1].Procs != 3 {
		t.Fatalf("at 5s: %d scans, %d procs; want the periodic rescan to find the helper", f.scans, got[1].Procs)
	}

	clock.advance(time.Second)
	delete(f.table, 102)
	if mustSample(t, ts, trees); f.scans != 3 {
		t.Fatalf("a member exited: %d scans, want an immediate rescan", f.scans)
	}
	clock.advance(time.Second)
	if mustSample(t, ts, map[int]int{1: 100, 2: 300}); f.scans != 4 {
		t.Fatalf("a tree was added: %d scans, want an immediate rescan", f.scans)
	}
	clock.advance(time.Second)
	if mustSample(t, ts, map[int]int{1: 100, 2: 300}); f.scans != 4 {
		t.Fatalf("nothing changed: %d scans, want still 4", f.scans)
	}
}

func TestTreeSamplerRenewsPSSWhenDue(t *testing.T) {
	f := newFakeProcs()
	f.add(100, 1, mib, 2*mib)
	for pid := 101; pid < 110; pid++ {
		f.add(pid, 100, mib, 2*mib)
	}
	ts, clock := newFakeTreeSampler(f, treeConfig{refresh: 3, maxAge: 4 * time.Second, rescan: time.Hour})
	trees := map[int]int{1: 100}

	// 10 processes read at 0 s; at 4 s all are due, 3 a sample, oldest first;
	// the three renewed at 4 s are due again at 8 s.
	wantReads := []int{10, 0, 0, 0, 3, 3, 3, 1, 3}
	for sec, want := range wantReads {
		if sec > 0 {
			clock.advance(time.Second)
		}
		before := f.totalMemReads()
		mustSample(t, ts, trees)
		if got := f.totalMemReads() - before; got != want {
			t.Fatalf("at %ds: %d PSS readings, want %d", sec, got, want)
		}
	}

	// RSS drift puts a process ahead of the old readings.
	clock.advance(time.Second)
	f.set(105, func(p *procInfo) { p.rss += 9 * mib })
	f.mem[105] = 10 * mib
	before := f.memReads[105]
	got := mustSample(t, ts, trees)
	if f.memReads[105] != before+1 {
		t.Fatal("a process whose RSS moved 9 MiB was not re-read")
	}
	if got[1].Bytes != 19*mib {
		t.Fatalf("tree after the re-read: %d MiB, want 19", got[1].Bytes/mib)
	}

	// A new process is read at once, on top of the renewals.
	clock.advance(time.Second)
	f.add(110, 100, mib, 2*mib)
	ts.lastRescan = time.Time{} // let this sample rescan and find it
	mustSample(t, ts, trees)
	if f.memReads[110] != 1 {
		t.Fatalf("new process read %d times, want 1", f.memReads[110])
	}
}

// An idle process's PSS is re-read at idleMaxAge, a working one's at
// maxAge; RSS drift re-reads either at once.
func TestTreeSamplerRenewsIdlePSSLater(t *testing.T) {
	f := newFakeProcs()
	f.add(100, 1, mib, 2*mib)
	f.add(101, 100, mib, 2*mib) // stays idle
	f.add(102, 100, mib, 2*mib) // works from 2 s on
	ts, clock := newFakeTreeSampler(f, treeConfig{refresh: 10, maxAge: 4 * time.Second, idleMaxAge: 20 * time.Second, rescan: time.Hour})
	trees := map[int]int{1: 100}
	mustSample(t, ts, trees)
	for sec := 1; sec <= 25; sec++ {
		clock.advance(time.Second)
		if sec >= 2 {
			f.set(102, func(p *procInfo) { p.cpu += 0.5 }) // half a core
		}
		if sec == 22 {
			f.set(101, func(p *procInfo) { p.rss += 9 * mib })
		}
		mustSample(t, ts, trees)
	}
	// 102 at 4, 8, ... 24 s plus its first reading; 100 and 101 at 20 s
	// plus their first; 101 again at 22 s for its RSS.
	if got := map[int]int{100: 2, 101: 3, 102: 7}; !maps.Equal(f.memReads, got) {
		t.Fatalf("PSS readings %v, want %v", f.memReads, got)
	}
}

func TestTreeSamplerEstimateFollowsRSS(t *testing.T) {
	f := newFakeProcs()
	f.add(100, 1, 50*mib, 100*mib)
	ts, _ := newFakeTreeSampler(f, treeConfig{rescan: time.Hour}) // refresh 0: never renew, the estimate alone
	trees := map[int]int{1: 100}
	if got := mustSample(t, ts, trees)[1].Bytes; got != 50*mib {
		t.Fatalf("first reading %d MiB, want 50", got/mib)
	}
	f.set(100, func(p *procInfo) { p.rss = 130 * mib })
	if got := mustSample(t, ts, trees)[1].Bytes; got != 80*mib {
		t.Fatalf("after RSS grew 30 MiB: %d MiB, want 80", got/mib)
	}
	f.set(100, func(p *procInfo) { p.rss = 20 * mib })
	if got := mustSample(t, ts, trees)[1].Bytes; got != 0 {
		t.Fatalf("after RSS fell below the start: %d MiB, want 0 (clamped)", got/mib)
	}
	if f.memReads[100] != 1 {
		t.Fatalf("read %d times, want once", f.memReads[100])
	}
}

func TestTreeSamplerWeakestKindAndNoCache(t *testing.T) {
	f := newFakeProcs()
	f.add(100, 1, 10*mib, 10*mib)
	f.add(101, 100, 20*mib, 20*mib)
	f.kind[101] = KindRSS
	ts, _ := newFakeTreeSampler(f, treeConfig{refresh: 5, maxAge: time.Hour, rescan: time.Hour})
	for range 3 {
		got := mustSample(t, ts, map[int]int{1: 100})
		if got[1].Kind != KindRSS || got[1].Bytes != 30*mib {
			t.Fatalf("tree with one RSS reading: %+v, want kind rss, 30 MiB", got[1])
		}
	}
	if f.memReads[101] != 3 {
		t.Fatalf("RSS process read %d times in 3 samples; only PSS is cached", f.memReads[101])
	}

	f.kind = map[int]string{}
	f.memReads = map[int]int{}
	every, _ := newFakeTreeSampler(f, treeConfig{refresh: -1, rescan: time.Hour})
	for range 3 {
		mustSample(t, every, map[int]int{1: 100})
	}
	if f.memReads[100] != 3 || f.memReads[101] != 3 {
		t.Fatalf("refresh -1 read %v, want every process every sample", f.memReads)
	}
}

func TestTreeSamplerScanError(t *testing.T) {
	f := newFakeProcs()
	f.scanErr = errors.New("procfs gone")
	ts, _ := newFakeTreeSampler(f, treeConfig{})
	if _, err := ts.sample(t.Context(), map[int]int{1: 1}); !errors.Is(err, f.scanErr) {
		t.Fatalf("scan error not returned: %v", err)
	}
	if got := mustSample(t, ts, nil); len(got) != 0 || f.scans != 0 {
		t.Fatalf("no trees must not scan: %v, %d scans", got, f.scans)
	}
}

func TestParseStat(t *testing.T) {
	// Field 2 may hold spaces and parentheses.
	line := "4242 (Web Content) (x)) S 100 4242 4242 0 -1 4194560 1 0 0 0 250 75 0 0 20 0 12 0 987654 1000000 3000 18446744073709551615\n"
	st, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	want := statFields{ppid: 100, utime: 250, stime: 75, start: 987654, rssPages: 3000}
	if st != want {
		t.Fatalf("parseStat = %+v, want %+v", st, want)
	}
	for _, bad := range []string{"", "12 no-paren S 1", "1 (x) S 1 2 3", "1 (x) S z 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 1 3"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) accepted a bad line", bad)
		}
	}
}

func TestParsePSS(t *testing.T) {
	rollup := "55d0c2a00000-7ffd5b5fe000 ---p 00000000 00:00 0  [rollup]\nRss:              211316 kB\nPss:              127227 kB\nPss_Anon:          93760 kB\n"
	got, err := parsePSS([]byte(rollup), "rollup")
	if err != nil || got != 127227*1024 {
		t.Fatalf("parsePSS = %d, %v; want %d", got, err, 127227*1024)
	}
	if got, err := parsePSS(nil, "empty"); err != nil || got != 0 {
		t.Fatalf("empty rollup (kernel thread): %d, %v", got, err)
	}
	if _, err := parsePSS([]byte("Pss: lots kB\n"), "bad"); err == nil {
		t.Fatal("garbage Pss accepted")
	}
}

func TestTreeSamplerRereadsATreeThatChanged(t *testing.T) {
	f := newFakeProcs()
	f.add(100, 1, mib, 2*mib)
	for pid := 101; pid <= 104; pid++ {
		f.add(pid, 100, mib, 2*mib)
	}
	f.add(200, 1, mib, 2*mib) // another tree, unchanged
	ts, clock := newFakeTreeSampler(f, treeConfig{refresh: 3, maxAge: time.Hour, rescan: time.Hour})
	trees := map[int]int{1: 100, 2: 200}
	mustSample(t, ts, trees)

	// 104 exits: its shared pages now count in the other four, whose RSS
	// does not move. All four are re-read, 3 this sample and 1 the next.
	clock.advance(time.Second)
	delete(f.table, 104)
	for pid := 100; pid <= 103; pid++ {
		f.mem[pid] = 2 * mib
	}
	before := maps.Clone(f.memReads)
	mustSample(t, ts, trees)
	clock.advance(time.Second)
	got := mustSample(t, ts, trees)
	for pid := 100; pid <= 103; pid++ {
		if f.memReads[pid] != before[pid]+1 {
			t.Errorf("process %d read %d more times after its tree lost a member, want 1", pid, f.memReads[pid]-before[pid])
		}
	}
	if f.memReads[200] != before[200] {
		t.Error("the unchanged tree was re-read")
	}
	if got[1].Bytes != 8*mib {
		t.Fatalf("tree after the re-reads: %d MiB, want 8", got[1].Bytes/mib)
	}
}
