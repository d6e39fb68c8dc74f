package monitor

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
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
	// RSS has moved by 8 MiB or the reading is PSSMaxAge old; in between it
	// follows the RSS. Negative: read every process every sample (0.5–2 ms
	// of CPU per Chromium process).
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
// process and, now and then, a page-table walk, which is most of an idle
// console's CPU. While the tracked trees are the same and each used less
// than quietCPU at its last reading, only every quietEvery-th sample reads
// them; the others carry the last reading. A browser that starts working
// is seen busy within quietEvery samples; system memory, which drives the
// pressure state, is read every sample.
const (
	quietCPU   = 2.0 // percent of one core
	quietEvery = 5
)

// quietTrees decides when to read the trees; guarded by SystemSampler.mu.
type quietTrees struct {
	last    map[int]ProcTree // the last reading, by tree id
	roots   map[int]int      // the trees it was taken of
	settled bool             // the reading before was of the same trees, so its CPU figures mean something
	skipped int              // samples that carried it since
}

// due reports whether trees must be read now.
func (q *quietTrees) due(trees map[int]int) bool {
	if !q.settled || !maps.Equal(q.roots, trees) || q.skipped+1 >= quietEvery {
		return true
	}
	for _, t := range q.last {
		if t.CPU >= quietCPU {
			return true
		}
	}
	return false
}

// read records a fresh reading of trees.
func (q *quietTrees) read(trees map[int]int, got map[int]ProcTree) {
	q.settled = q.roots != nil && maps.Equal(q.roots, trees)
	q.last, q.roots, q.skipped = got, maps.Clone(trees), 0
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
			treeConfig{refresh: opts.PSSRefresh, maxAge: opts.PSSMaxAge, rescan: opts.TreeRescan}),
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

	if !ss.quiet.due(trees) {
		ss.quiet.skipped++
		s.Trees = ss.quiet.last
		return s, nil
	}
	s.Trees, err = ss.trees.sample(ctx, trees)
	if err != nil {
		return Sample{}, fmt.Errorf("reading browser process trees: %w", err)
	}
	ss.quiet.read(trees, s.Trees)
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
