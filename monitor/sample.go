package monitor

import (
	"context"
	"time"
)

// Memory measures a ProcTree's Bytes can be in, best first.
const (
	KindPSS = "pss" // proportional set size from /proc/<pid>/smaps_rollup (Linux)
	KindUSS = "uss" // unique set size: private pages only
	KindRSS = "rss" // resident set size: shared pages counted in every process
)

// ProcTree is the memory and CPU of one browser: its main process and every
// descendant.
type ProcTree struct {
	PID   int     // root (browser main process)
	Procs int     // processes in the tree
	Bytes uint64  // memory of the whole tree
	Kind  string  // KindPSS, KindUSS or KindRSS: which measure Bytes is (the weakest used in the tree)
	CPU   float64 // percent of one core over the last interval, whole tree; 0 on a first reading
}

// Sample is one reading of the machine. A recorded Sample is shared by the
// history, Latest and every subscriber: treat PerCore and Trees as read-only.
type Sample struct {
	Time           time.Time // set by the Monitor from Options.Now
	UsedRatio      float64   // system memory used 0..1; inside a cgroup with a limit, the cgroup's usage/limit when higher
	TotalBytes     uint64    // min(physical, cgroup limit)
	AvailableBytes uint64    // min(system available, cgroup limit - cgroup usage)
	Cgroup         string    // "", "v1" or "v2": where the limit came from
	CPUPercent     float64   // whole machine 0..100; 0 on the first sample
	PerCore        []float64 // 0..100 per logical core
	Trees          map[int]ProcTree
	Pressure       Pressure // after hysteresis; set by the Monitor
}

// Crossing is one passage of the used ratio across a registered threshold.
type Crossing struct {
	Threshold float64
	Ratio     float64 // the used ratio that crossed
	Up        bool    // true going above the threshold, false coming back below it
	Time      time.Time
}

// Sampler takes one reading. trees maps the caller's id (a worker id) to the
// pid of a browser's main process; the result's Trees uses the same ids and
// leaves out trees whose root process is gone. The Monitor never calls
// Sample from two goroutines at once.
type Sampler interface {
	Sample(ctx context.Context, trees map[int]int) (Sample, error)
}
