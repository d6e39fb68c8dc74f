package ui

import (
	"context"
	"log/slog"
	"time"

	"coupatui/monitor"
	"coupatui/pool"
	"coupatui/vocab"
)

// Pool is what the console needs from the pool; *pool.Pool satisfies it.
// Every method must be cheap and must not block on the pool's work, except
// Shutdown and Reauthenticate, which the console runs off its event loop.
type Pool interface {
	Snapshot() pool.Snapshot                                                     // consistent, cheap; called per refresh
	Tasks(q pool.TaskQuery) pool.TaskPage                                        // a window of tasks in display order
	Task(po string) (pool.TaskInfo, bool)                                        // latest task for a PO
	Submit(po string, prio vocab.Priority, meta pool.Meta) (*pool.Handle, error) // a live duplicate returns the existing handle
	SetPriority(po string, prio vocab.Priority) error                            // pool.ErrNotQueued for running or finished tasks
	SetPriorityMany(pos []string, prio vocab.Priority) (pool.Bulk, error)        // one call for many: skips what does not wait
	Cancel(po string) error
	CancelMany(pos []string) (pool.Bulk, error) // one call for many; one journal transaction
	Retry(po string) error                      // pool.ErrNotFailed unless failed, timed out or partial
	Scale(n int) error                          // pool.ErrScaleLimit outside [MinWorkers, MaxWorkers]
	Pause() error
	Resume() error
	Reauthenticate() error              // the operator signed in again: re-clone profiles and resume
	Shutdown(ctx context.Context) error // graceful drain; forces nothing, returns ctx's error if ctx ends first
	Close() error                       // cancels what runs and stops the pool; ends a Shutdown
}

// Options configure the console.
type Options struct {
	Pool   Pool
	Events <-chan pool.Event // the pool's events; closed when the pool stops
	// Quit carries the quit signals (SIGINT, SIGTERM, SIGHUP) of a caller
	// that owns them: each is handled like a signal (the first drains,
	// the next forces). With Quit set, the console installs no signal
	// handler of its own.
	Quit   <-chan struct{}
	Logs   *LogBuffer   // the log pane's source; nil shows an empty pane
	Logger *slog.Logger // the console's own log (commands, errors); nil discards
	// Samples are the monitor's readings (monitor.Monitor.Subscribe); the
	// event bridge hands them to the resources pane, which plots memory
	// from them. Optional: without it the pane plots the pool's snapshot
	// once a second.
	Samples <-chan monitor.Sample

	Input, Report, DownloadRoot string  // shown in the header and the run summary
	MemoryThreshold             float64 // fraction 0..1 marked on the memory gauge; 0 hides the mark

	ExitWhenDone bool // quit by itself once every task is final
	Mouse        bool // enable mouse reporting (off by default so text can be copied)
	NoColor      bool // no colours at all; main passes os.Getenv("NO_COLOR") != ""

	Now func() time.Time // the clock; time.Now when nil (tests inject a fixed one)

	// Open shows a folder in the desktop's file manager (the o key); nil
	// finds the desktop's opener (xdg-open, open, explorer) when there is
	// one. Tests inject their own.
	Open func(path string) error

	// TickInterval is how often the console refreshes without events
	// (elapsed times, spinners); 200ms when zero.
	TickInterval time.Duration
}

func (o *Options) setDefaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.TickInterval <= 0 {
		o.TickInterval = 200 * time.Millisecond
	}
	if o.Open == nil {
		o.Open = desktopOpen
	}
}

// *pool.Pool is the production Pool.
var _ Pool = (*pool.Pool)(nil)
