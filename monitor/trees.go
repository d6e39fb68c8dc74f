package monitor

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNoProcess is returned by TreeMemory when the root process does not exist.
var ErrNoProcess = errors.New("no such process")

// Defaults of the tree sampler's costs; see SamplerOptions.
const (
	DefaultPSSRefresh = 4                // PSS re-reads per sample, at most
	DefaultPSSMaxAge  = 30 * time.Second // a PSS reading older than this is re-read
	// An idle process's PSS reading is re-read only this old: see
	// treeConfig.idleMaxAge.
	DefaultPSSIdleMaxAge = 5 * time.Minute
	DefaultTreeRescan    = 5 * time.Second // full process-table scan at least this often
	pssDrift             = 8 << 20         // RSS moved this much since the PSS reading: re-read it
)

// treeConfig is what a treeSampler may spend.
type treeConfig struct {
	refresh int           // PSS re-reads per sample; 0 never (one-shot use); < 0 no cache: every process every sample
	maxAge  time.Duration // re-read a PSS reading this old
	// idleMaxAge replaces maxAge for a process that used less than
	// quietCPU since the previous sample (0: maxAge). An idle process's
	// PSS moves only when the sharing of its pages changes without its
	// RSS moving (a process of the same binary starting or ending
	// elsewhere on the machine; a change of its own tree re-reads at
	// once). Measured on a shared machine whose other Chromiums came and
	// went, four idle 8-process trees stayed within ±11 MB (under 10%) of
	// their estimate, as much after 30 s as after minutes: the error
	// follows how many processes share the pages, not the reading's age.
	// Each re-read walks the page tables, the most expensive reading an
	// idle console made.
	idleMaxAge time.Duration
	rescan     time.Duration // scan the whole process table this often
}

// treeSampler measures browser process trees: memory (PSS summed over each
// tree) and CPU (per-process CPU time deltas between samples).
//
// Two readings dominate the cost, so both are rationed:
//   - Tree membership needs the parent of every process on the machine: the
//     whole table is scanned at most every cfg.rescan, or at once when the
//     tracked trees change or a member exits; in between only the known
//     members are read. A helper process is therefore seen up to cfg.rescan
//     late.
//   - PSS makes the kernel walk a process's page tables (0.5–2 ms of CPU per
//     Chromium process). It is read when a process is first seen, then again
//     when its RSS has moved by pssDrift or the reading is cfg.maxAge old
//     (cfg.idleMaxAge while the process is idle), at most cfg.refresh
//     re-reads per sample; a tree that gains or loses a
//     process has all its readings re-read (shared pages are split anew). In
//     between, a reading moves with the RSS (read for free with the stat
//     line): a browser's new resident pages are almost all private, and the
//     estimate errs high when they are not.
//
// Not safe for concurrent use: its owner (SystemSampler.mu, or one
// TreeMemory call) serialises it.
type treeSampler struct {
	src     procSource
	readMem memReader
	cfg     treeConfig
	now     func() time.Time

	cur, prev  procTable // this sample's and the previous sample's readings
	prevAt     time.Time
	prevStart  uint64 // the source's start clock at the previous sample
	havePrev   bool
	seq        uint64
	lastRescan time.Time
	roots      map[int]int       // tree id → root pid, as of the last rescan
	members    map[int][]procKey // tree id → its processes at the last rescan, root first
	pss        map[procKey]*pssEntry
}

func newTreeSampler(src procSource, readMem memReader, cfg treeConfig) *treeSampler {
	return &treeSampler{
		src:     src,
		readMem: readMem,
		cfg:     cfg,
		now:     time.Now,
		cur:     make(procTable),
		prev:    make(procTable),
		members: make(map[int][]procKey),
		pss:     make(map[procKey]*pssEntry),
	}
}

// sample measures every tree (caller's id → root pid); trees whose root is
// gone are left out.
func (ts *treeSampler) sample(ctx context.Context, trees map[int]int) (map[int]ProcTree, error) {
	out := make(map[int]ProcTree, len(trees))
	if len(trees) == 0 {
		return out, nil
	}
	now := ts.now()
	startNow, err := ts.src.startClock()
	if err != nil {
		return nil, err
	}
	ts.seq++
	if !ts.readMembers(ctx, trees, now) {
		if err := ts.rescanAll(ctx, trees, now); err != nil {
			return nil, err
		}
	}

	kinds, direct := ts.measureMembers(ctx, now)
	elapsed := now.Sub(ts.prevAt).Seconds()
	for id, keys := range ts.members {
		if tree, ok := ts.total(trees[id], keys, kinds, direct, elapsed); ok {
			out[id] = tree
		}
	}

	for k, e := range ts.pss {
		if e.seenSeq != ts.seq {
			delete(ts.pss, k)
		}
	}
	ts.prev, ts.cur = ts.cur, ts.prev
	ts.prevAt, ts.prevStart, ts.havePrev = now, startNow, true
	return out, nil
}

// total adds up one tree; ok is false when none of its processes could be
// measured.
func (ts *treeSampler) total(root int, keys []procKey, kinds map[procKey]string, direct map[procKey]uint64, elapsed float64) (tree ProcTree, ok bool) {
	tree = ProcTree{PID: root, Kind: KindPSS}
	var cpuSeconds float64
	for _, m := range ts.live(keys) {
		kind, measured := kinds[m.key]
		if !measured {
			continue // exited between its stat reading and its memory reading
		}
		tree.Procs++
		tree.Kind = weaker(tree.Kind, kind)
		if e := ts.pss[m.key]; e != nil {
			tree.Bytes += e.estimate(m.info.rss)
		} else {
			tree.Bytes += direct[m.key]
		}
		cpuSeconds += ts.cpuSince(m)
	}
	if ts.havePrev && elapsed > 0 {
		tree.CPU = cpuSeconds / elapsed * 100
	}
	return tree, tree.Procs > 0
}

// cpuSince is the CPU seconds m used since the previous sample. A process
// that previous sample did not read counts in full if it started after it,
// and as a baseline only (0) if it is older: the first sample of a newly
// tracked tree, or a helper found by a late rescan.
func (ts *treeSampler) cpuSince(m treeMember) float64 {
	if !ts.havePrev {
		return 0
	}
	if p, ok := ts.prev[m.key.pid]; ok && p.start == m.info.start {
		return max(m.info.cpu-p.cpu, 0)
	}
	if m.info.start >= ts.prevStart {
		return m.info.cpu
	}
	return 0
}

// TreeMemory measures the process tree rooted at pid once: every process's
// memory is read fresh (PSS from smaps_rollup on Linux), so it costs about a
// millisecond of CPU per Chromium process. CPU is 0: one reading has no
// interval.
func TreeMemory(pid int) (ProcTree, error) {
	return treeMemory(context.Background(), DefaultProcRoot, pid)
}

func treeMemory(ctx context.Context, procRoot string, pid int) (ProcTree, error) {
	ts := newTreeSampler(newProcSource(procRoot), newMemReader(procRoot), treeConfig{})
	trees, err := ts.sample(ctx, map[int]int{0: pid})
	if err != nil {
		return ProcTree{}, fmt.Errorf("memory of process tree %d: %w", pid, err)
	}
	tree, ok := trees[0]
	if !ok {
		return ProcTree{}, fmt.Errorf("memory of process tree %d: %w", pid, ErrNoProcess)
	}
	return tree, nil
}
