package pool

import (
	"errors"
	"fmt"
	"time"

	"coupatui/coupa"
	"coupatui/vocab"
)

// Meta is what the caller attaches to a task and gets back in every view.
type Meta struct {
	Row       int      // input row number (1-based, header excluded); 0 for POs added at run time
	Hierarchy []string // folder levels from the input row
}

// TaskInfo is a copy of one task's state; holding it never blocks the pool.
type TaskInfo struct {
	ID        uint64
	PO        string
	Priority  vocab.Priority
	State     vocab.TaskState
	Attempts  int       // attempts started so far
	Worker    int       // the worker running it, -1 when none
	Submitted time.Time // when it entered the pool
	Started   time.Time // when its current or last attempt started
	Finished  time.Time // when it became Done
	NextTry   time.Time // when a Retrying task re-enters the queue
	Progress  coupa.Progress
	Errors    []string     // one line per failed attempt, oldest first
	Result    coupa.Result // the outcome once Done; the last attempt's while Retrying
	Meta      Meta
}

// enumName is the String of an enumeration of type typ: names[v], or
// "typ(v)" when v has no name there.
func enumName[T ~int](typ string, names []string, v T) string {
	if v < 0 || int(v) >= len(names) || names[v] == "" {
		return fmt.Sprintf("%s(%d)", typ, int(v))
	}
	return names[v]
}

// WorkerState is where a worker is in its life.
type WorkerState int

const (
	WorkerStarting   WorkerState = iota // launching its browser
	WorkerIdle                          // ready, waiting for a task
	WorkerBusy                          // running a task
	WorkerRestarting                    // its browser died or hung; waiting for backoff, then relaunching
	WorkerRetiring                      // finishing its task, then leaving the pool
	WorkerStopped                       // gone
)

var workerStateNames = [...]string{"starting", "idle", "busy", "restarting", "retiring", "stopped"}

func (s WorkerState) String() string { return enumName("WorkerState", workerStateNames[:], s) }

// WorkerInfo is a copy of one worker's state.
type WorkerInfo struct {
	ID    int
	State WorkerState
	PID   int // the browser's process id, 0 when none
	// Task, PO, TaskStart and Progress are those of the newest task the
	// worker holds: the PO whose page its browser opened last (loading or
	// being read, or downloading when every task it holds is). Task is 0
	// when it holds none.
	Task      uint64
	PO        string
	TaskStart time.Time
	Progress  coupa.Progress
	// Tasks are every task it holds, oldest first: with pipeline_depth
	// above 1, older ones are still downloading while the newest one's
	// page loads. Nil when it holds none.
	Tasks     []WorkerTask
	TasksDone int // tasks finished by this worker (any status)
	Restarts  int // browser restarts after a crash or hang
	Recycles  int // planned browser restarts (task count, memory)
	MemBytes  uint64
	MemKind   string  // "pss", "uss" or "rss": how MemBytes was measured
	CPU       float64 // percent of one core, whole browser tree
	LastError string
	Since     time.Time // when State last changed
	// Endpoint is 0 for a worker with a local browser, i+1 for a slot of
	// Snapshot.Endpoints[i].
	Endpoint int
}

// EndpointInfo is one remote browser service and its slots.
type EndpointInfo struct {
	Name      string // host:port, never a token
	Slots     int    // workers it gives the pool (fixed)
	Connected int    // slots with a live connection
	Busy      int    // slots working on a PO
	LastError string // the newest error of one of its slots, "" when all are connected
}

// Health is "up" when every slot is connected, "down" when none is, else
// "degraded".
func (e EndpointInfo) Health() string {
	switch e.Connected {
	case e.Slots:
		return "up"
	case 0:
		return "down"
	}
	return "degraded"
}

// WorkerTask is one task a worker holds.
type WorkerTask struct {
	ID       uint64
	PO       string
	Started  time.Time
	Progress coupa.Progress
	PageRead bool // its page is read: it only downloads now, and the worker may take the next PO
}

// PoolState is where the whole pool is in its life.
type PoolState int

const (
	PoolStarting PoolState = iota
	PoolRunning
	PoolPaused         // the operator paused dispatch
	PoolSignInRequired // Coupa's sign-in wall; dispatch paused until the operator signs in again
	PoolDraining       // shutting down: no dispatch, running tasks finish
	PoolStopped
)

var poolStateNames = [...]string{"starting", "running", "paused", "sign-in required", "draining", "stopped"}

func (s PoolState) String() string { return enumName("PoolState", poolStateNames[:], s) }

// Counts tallies tasks by state and final status.
type Counts struct {
	Total    int // every task ever submitted
	Queued   int
	Running  int
	Retrying int
	Done     int
	ByStatus map[vocab.Status]int // final statuses of Done tasks
	// QueuedBy counts the Queued tasks of each priority, indexed by
	// Priority (Retrying ones are not in the queue yet).
	QueuedBy [vocab.Urgent + 1]int
}

// Resources is the latest reading of the machine, as the pool acts on it.
type Resources struct {
	UsagePercent   float64 // system memory used, 0..100 (cgroup limit respected)
	AvailableBytes uint64
	TotalBytes     uint64
	CPUPercent     float64 // whole machine, 0..100
	Pressure       string  // "ok", "elevated" or "critical"
	BrowserBytes   uint64  // memory of every browser tree, summed
	MemKind        string  // how browser memory was measured
}

// Snapshot is a consistent copy of the pool's state; it is cheap to take at
// every frame, whatever the length of the queue.
type Snapshot struct {
	Taken         time.Time
	State         PoolState
	Started       time.Time
	Uptime        time.Duration
	Workers       []WorkerInfo // by worker ID
	WorkerCount   int          // workers alive now (not stopped), remote slots' included
	LocalWorkers  int          // of those, the ones with a local browser: what the target is about
	TargetWorkers int          // local workers the operator asked for
	Effective     int          // what the pool runs now (target bounded by pressure)
	MinWorkers    int
	MaxWorkers    int
	Counts        Counts
	Resources     Resources
	Reason        string     // why State is what it is (sign-in, pressure decision, ...)
	SignIn        bool       // Coupa's sign-in wall is up: dispatch waits for Reauthenticate
	Holds         []HoldInfo // what stops dispatch until released, oldest first
	DrainDeadline time.Time
	Endpoints     []EndpointInfo // remote browser services, as configured
	// TaskGen changes whenever what Tasks or Task returns may have (the
	// queue, a task's state, priority, progress, errors or outcome): a
	// page read at the same TaskGen (TaskPage.Gen) is still what Tasks
	// would return, so a console need not ask again.
	TaskGen uint64
}

// TaskQuery selects a window of tasks in display order: running tasks, then
// queued and retrying ones in dispatch order, then finished ones, newest
// first; or, with Sort, ordered by one column (ties in display order).
type TaskQuery struct {
	Offset, Limit int
	Filter        string // case-insensitive substring of the PO number or status; "" for all
	IncludeDone   bool
	Sort          SortKey
}

// SortKey orders a TaskQuery by one column, each in the direction an
// operator looks for first.
type SortKey int

const (
	SortDisplay  SortKey = iota // running, queued in dispatch order, retrying, finished newest first
	SortPO                      // PO number, lowest first
	SortPriority                // URGENT first
	SortState                   // running, retrying, queued, then finished by status word
	SortAttempts                // most attempts first
)

var sortKeyNames = [...]string{"display order", "PO", "priority", "state", "attempts"}

func (k SortKey) String() string { return enumName("SortKey", sortKeyNames[:], k) }

// Bulk is what a command on many tasks did.
type Bulk struct {
	Changed int // tasks it changed (CancelMany: running ones included, whose attempt is being stopped)
	Skipped int // tasks it left as they were: not waiting (SetPriorityMany), already final, or unknown
}

// TaskPage is one window of tasks and the number of tasks the query matched.
type TaskPage struct {
	Tasks []TaskInfo
	Total int
	Gen   uint64 // Snapshot.TaskGen when the page was read
}

// EventKind names what changed.
type EventKind int

const (
	EvTaskQueued EventKind = iota
	EvTaskStarted
	EvTaskProgress
	EvTaskFinished // Done with any status but CANCELLED
	EvTaskRetried  // failed transiently; will run again after a backoff
	EvTaskCancelled
	EvTaskReprioritised
	EvWorkerStarting
	EvWorkerReady
	EvWorkerBusy
	EvWorkerIdle
	EvWorkerCrashed
	EvWorkerRestarting
	EvWorkerRecycled
	EvWorkerRetired
	EvPoolScaled
	EvPoolPaused
	EvPoolResumed
	EvPoolDraining
	EvPoolStopped
	EvSignInRequired
	EvSignInRestored
	EvPressureChanged
	EvPolicy         // a decision of the memory policy, with its reason
	EvPoolHeld       // a hold other than sign-in stops dispatch (Event.Hold says which)
	EvPoolReleased   // that hold ended
	EvSessionChecked // a worker's browser found the session signed in (Coupa showed no sign-in wall)
)

var eventKindNames = [...]string{"task.queued", "task.started", "task.progress",
	"task.finished", "task.retried", "task.cancelled", "task.reprioritised",
	"worker.starting", "worker.ready", "worker.busy", "worker.idle", "worker.crashed",
	"worker.restarting", "worker.recycled", "worker.retired", "pool.scaled",
	"pool.paused", "pool.resumed", "pool.draining", "pool.stopped",
	"signin.required", "signin.restored", "pressure.changed", "policy",
	"pool.held", "pool.released", "session.checked"}

func (k EventKind) String() string { return enumName("EventKind", eventKindNames[:], k) }

// Droppable reports whether a slow subscriber may lose this kind of event:
// only progress, which a later event or the snapshot supersedes.
func (k EventKind) Droppable() bool { return k == EvTaskProgress }

// Event is one change in the pool. Task and Worker are copies taken when the
// change happened; they are nil when the event is not about one.
type Event struct {
	Seq    uint64
	Time   time.Time
	Kind   EventKind
	Task   *TaskInfo
	Worker *WorkerInfo
	Pool   PoolState
	Reason string // why: an error, a decision, a count ("scaled 2→4")
	Hold   Hold   // for EvPoolHeld, EvPoolReleased, EvSignInRequired, EvSignInRestored
	Missed int    // events this subscriber lost just before this one
}

// Errors the pool's commands return; callers test them with errors.Is.
var (
	ErrUnknownTask = errors.New("no such task")
	ErrNotQueued   = errors.New("task is not queued")  // SetPriority on a running or finished task
	ErrNotFailed   = errors.New("task has not failed") // Retry of a task that did not fail
	ErrScaleLimit  = errors.New("worker count out of range")
	ErrStopped     = errors.New("pool is shutting down") // commands after Shutdown began
	ErrInvalidPO   = errors.New("not a PO number")
)
