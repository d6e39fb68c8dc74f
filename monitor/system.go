package monitor

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/mem"
)

// SamplerOptions configures the real Sampler. Zero fields take defaults.
type SamplerOptions struct {
	ProcRoot   string // procfs for process trees and this process's cgroup (default /proc)
	CgroupRoot string // cgroup file system (default /sys/fs/cgroup)
	// PSSRefresh caps the per-process PSS re-reads of one sample (default
	// 4). A process's PSS is read when it is first seen and again when its
	// RSS has moved by 8 MiB or the reading is PSSMaxAge old (5 min while
	// the process is idle); in between it follows the RSS. Negative: read
	// every process every sample (0.5–2 ms of CPU per Chromium process).
	PSSRefresh int
	PSSMaxAge  time.Duration // default 30s
	// TreeRescan is how often the whole process table is scanned to find
	// new helper processes (default 5s); in between only known members are
	// read. A change of the tracked trees or an exited member rescans at once.
	TreeRescan time.Duration
	Logger     *slog.Logger
}

// SystemSampler is the real Sampler: system memory from gopsutil, bounded by
// the cgroup limit this process runs under, machine CPU from gopsutil time
// deltas, and browser trees from procfs.
type SystemSampler struct {
	log        *slog.Logger
	cgroupRoot string
	selfCgroup string

	mu      sync.Mutex // guards everything below: Sample may be called from any goroutine
	trees   *treeSampler
	quiet   quietTrees
	prevCPU []cpu.TimesStat
	cgroup  *cgroupPlace // found on the first Sample; membership does not change
}

// Idle browsers are read less often: reading a tree costs a stat read per
// process, a scan of the whole process table and, now and then, a
// page-table walk (smaps_rollup), which together were most of an idle
// console's CPU. While the tracked trees are the same and each used less
// than quietCPU at its last reading, the trees are read every quietPeriod;
// the samples in between carry the last reading (an idle browser's memory
// does not move, so a carried figure is at most quietPeriod old and as
// true as a fresh one). Each of those samples still reads the stat line of
// every tree's root (one small read per browser): a root that used
// quietCPU since the previous sample means the browser started working (a
// task navigates through it), and the trees are read at once. A move of
// the system's used memory by quietMemMove since the last reading does the
// same, so the pressure policy, which recycles by browser memory, never
// acts on a reading older than the change it answers. System memory and
// CPU, which drive the pressure state, are read every sample.
const (
	quietCPU     = 2.0 // percent of one core
	quietPeriod  = 15 * time.Second
	quietMemMove = 0.02 // of total memory
)

// quietTrees decides when to read the trees; guarded by SystemSampler.mu.
type quietTrees struct {
	last     map[int]ProcTree // the last reading, by tree id
	roots    map[int]int      // the trees it was taken of
	settled  bool             // the reading before was of the same trees, so its CPU figures mean something
	readAt   time.Time        // when it was taken
	ratio    float64          // the system's used ratio then
	rootCPU  map[int]float64  // root pid → CPU seconds at the last probe
	probedAt time.Time
}

// due reports whether trees must be read at now, the system's used ratio
// being ratio. It probes the roots first (probe returns a root's CPU
// seconds, false when it cannot be read), every sample, so the probe's
// baseline is never older than one sample.
func (q *quietTrees) due(trees map[int]int, now time.Time, ratio float64, probe func(pid int) (float64, bool)) bool {
	woke := q.probe(trees, now, probe)
	if woke || !q.settled || !maps.Equal(q.roots, trees) || now.Sub(q.readAt) >= quietPeriod ||
		now.Before(q.readAt) || math.Abs(ratio-q.ratio) >= quietMemMove {
		return true
	}
	for _, t := range q.last {
		if t.CPU >= quietCPU {
			return true
		}
	}
	return false
}

// probe reads every root's CPU time and reports whether one used quietCPU
// or more since the previous probe, or could not be read (gone: a full
// reading sorts that out).
func (q *quietTrees) probe(trees map[int]int, now time.Time, probe func(pid int) (float64, bool)) bool {
	elapsed := now.Sub(q.probedAt).Seconds()
	prev := q.rootCPU
	q.rootCPU, q.probedAt = make(map[int]float64, len(trees)), now
	woke := false
	for _, pid := range trees {
		cpu, ok := probe(pid)
		if !ok {
			woke = true
			continue
		}
		q.rootCPU[pid] = cpu
		if was, seen := prev[pid]; seen && elapsed > 0 && (cpu-was)/elapsed*100 >= quietCPU {
			woke = true
		}
	}
	return woke
}

// read records a fresh reading of trees, taken at now at the used ratio.
func (q *quietTrees) read(trees map[int]int, got map[int]ProcTree, now time.Time, ratio float64) {
	q.settled = q.roots != nil && maps.Equal(q.roots, trees)
	q.last, q.roots = got, maps.Clone(trees)
	q.readAt, q.ratio = now, ratio
}

// NewSystemSampler returns the real Sampler; it reads nothing until Sample.
func NewSystemSampler(opts SamplerOptions) *SystemSampler {
	if opts.ProcRoot == "" {
		opts.ProcRoot = DefaultProcRoot
	}
	if opts.CgroupRoot == "" {
		opts.CgroupRoot = DefaultCgroupRoot
	}
	if opts.PSSRefresh == 0 {
		opts.PSSRefresh = DefaultPSSRefresh
	}
	if opts.PSSMaxAge <= 0 {
		opts.PSSMaxAge = DefaultPSSMaxAge
	}
	if opts.TreeRescan <= 0 {
		opts.TreeRescan = DefaultTreeRescan
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &SystemSampler{
		log:        opts.Logger,
		cgroupRoot: opts.CgroupRoot,
		selfCgroup: filepath.Join(opts.ProcRoot, "self", "cgroup"),
		trees: newTreeSampler(newProcSource(opts.ProcRoot), newMemReader(opts.ProcRoot),
			treeConfig{refresh: opts.PSSRefresh, maxAge: opts.PSSMaxAge, idleMaxAge: max(opts.PSSMaxAge, DefaultPSSIdleMaxAge), rescan: opts.TreeRescan}),
	}
}

// Sample reads the machine and the given browser trees. Only a failure to
// read system memory or the process table is an error; a cgroup or CPU
// reading that fails is logged and left out.
func (ss *SystemSampler) Sample(ctx context.Context, trees map[int]int) (Sample, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()

	vm, err := mem.VirtualMemoryWithContext(ctx)
	if err != nil {
		return Sample{}, fmt.Errorf("reading system memory: %w", err)
	}
	s := Sample{TotalBytes: vm.Total, AvailableBytes: vm.Available}
	if vm.Total > 0 {
		s.UsedRatio = 1 - float64(vm.Available)/float64(vm.Total)
	}
	ss.applyCgroup(&s)
	ss.readCPU(ctx, &s)

	now := ss.trees.now()
	probe := func(pid int) (float64, bool) {
		info, err := ss.trees.src.read(ctx, pid)
		return info.cpu, err == nil
	}
	if !ss.quiet.due(trees, now, s.UsedRatio, probe) {
		s.Trees = ss.quiet.last
		return s, nil
	}
	s.Trees, err = ss.trees.sample(ctx, trees)
	if err != nil {
		return Sample{}, fmt.Errorf("reading browser process trees: %w", err)
	}
	ss.quiet.read(trees, s.Trees, now, s.UsedRatio)
	return s, nil
}

// applyCgroup bounds s by the cgroup limit when there is one below physical
// memory.
func (ss *SystemSampler) applyCgroup(s *Sample) {
	if ss.cgroup == nil {
		place, err := findCgroup(ss.cgroupRoot, ss.selfCgroup)
		if err != nil {
			ss.log.Warn("monitor: cannot locate memory cgroup; using system memory only", "err", err)
		}
		ss.cgroup = &place
	}
	if ss.cgroup.Version == "" {
		return
	}
	cm, ok, err := readCgroupMemory(*ss.cgroup)
	if err != nil {
		ss.log.Debug("monitor: reading cgroup memory", "err", err)
		return
	}
	if !ok || cm.Limit >= s.TotalBytes {
		return // no limit, or one the machine cannot reach
	}
	applyLimit(s, cm)
}

// applyLimit folds a cgroup reading into s: the ratio closest to an OOM
// kill wins, and the cgroup's headroom bounds what is available.
func applyLimit(s *Sample, cm cgroupMemory) {
	s.Cgroup = cm.Version
	s.TotalBytes = min(s.TotalBytes, cm.Limit)
	s.AvailableBytes = min(s.AvailableBytes, cm.Limit-min(cm.Usage, cm.Limit))
	s.UsedRatio = max(s.UsedRatio, float64(cm.Usage)/float64(cm.Limit))
}

// readCPU fills machine CPU from the change in per-core times since the
// previous sample; the first sample only sets the baseline. The deltas are
// kept here rather than in gopsutil's cpu.Percent(0), whose baseline is
// package-global and shared with any other caller in the process.
func (ss *SystemSampler) readCPU(ctx context.Context, s *Sample) {
	times, err := cpu.TimesWithContext(ctx, true)
	if err != nil {
		ss.log.Debug("monitor: reading CPU times", "err", err)
		return
	}
	prev := ss.prevCPU
	ss.prevCPU = times
	s.PerCore = make([]float64, len(times))
	if len(prev) != len(times) {
		return // first sample, or cores came or went
	}
	var allBusy, allTotal float64
	for i := range times {
		busy, total := busyDelta(prev[i], times[i])
		allBusy += busy
		allTotal += total
		if total > 0 {
			s.PerCore[i] = clampPercent(busy / total * 100)
		}
	}
	if allTotal > 0 {
		s.CPUPercent = clampPercent(allBusy / allTotal * 100)
	}
}

// busyDelta returns the busy and total seconds between two readings of one
// core. On Linux guest time is already inside user time, so it is not added
// twice (as gopsutil's own Percent does).
func busyDelta(a, b cpu.TimesStat) (busy, total float64) {
	all := func(t cpu.TimesStat) (float64, float64) {
		tot := t.User + t.System + t.Idle + t.Nice + t.Iowait + t.Irq + t.Softirq + t.Steal
		if runtime.GOOS != "linux" {
			tot += t.Guest + t.GuestNice
		}
		return tot, tot - t.Idle - t.Iowait
	}
	ta, ba := all(a)
	tb, bb := all(b)
	return max(bb-ba, 0), max(tb-ta, 0)
}

func clampPercent(p float64) float64 { return min(max(p, 0), 100) }
