package metrics

import (
	"encoding/json"
	"net/http"
	"time"

	"coupatui/pool"
)

// Status is what /status serves: the pool's snapshot (pool status, uptime,
// worker counts, completed tasks, per-worker status, memory usage
// percent) and the counts behind the console's header.
type Status struct {
	PoolStatus         string         `json:"pool_status"`
	Reason             string         `json:"reason,omitempty"`
	UptimeSeconds      float64        `json:"uptime_seconds"`
	WorkerCount        int            `json:"worker_count"`   // local workers alive, as target_workers counts them
	RemoteWorkers      int            `json:"remote_workers"` // remote slots' workers alive
	TargetWorkers      int            `json:"target_workers"`
	CompletedTasks     int            `json:"completed_tasks"` // tasks final, whatever their status
	TotalTasks         int            `json:"total_tasks"`
	QueuedTasks        int            `json:"queued_tasks"`
	RunningTasks       int            `json:"running_tasks"`
	RetryingTasks      int            `json:"retrying_tasks"`
	ByStatus           map[string]int `json:"by_status"`
	MemoryUsagePercent float64        `json:"memory_usage_percent"`
	MemoryPressure     string         `json:"memory_pressure"`
	Workers            []WorkerStatus `json:"workers"`
	Taken              time.Time      `json:"taken"`
}

// WorkerStatus is one worker in Status.
type WorkerStatus struct {
	ID             int     `json:"id"`
	Endpoint       int     `json:"endpoint,omitempty"` // i for a slot of the i-th remote endpoint; absent for a local browser
	Status         string  `json:"status"`
	PO             string  `json:"po,omitempty"`
	TaskSeconds    float64 `json:"task_seconds,omitempty"` // time on the current PO
	TasksCompleted int     `json:"tasks_completed"`
	Restarts       int     `json:"restarts"`
	MemoryBytes    uint64  `json:"memory_bytes"`
	MemoryKind     string  `json:"memory_kind,omitempty"`
	CPUPercent     float64 `json:"cpu_percent"`
	LastError      string  `json:"last_error,omitempty"`
}

// StatusOf is the Status of one snapshot.
func StatusOf(s pool.Snapshot) Status {
	st := Status{
		PoolStatus:         s.State.String(),
		Reason:             s.Reason,
		UptimeSeconds:      s.Uptime.Seconds(),
		WorkerCount:        s.LocalWorkers,
		RemoteWorkers:      s.WorkerCount - s.LocalWorkers,
		TargetWorkers:      s.TargetWorkers,
		CompletedTasks:     s.Counts.Done,
		TotalTasks:         s.Counts.Total,
		QueuedTasks:        s.Counts.Queued,
		RunningTasks:       s.Counts.Running,
		RetryingTasks:      s.Counts.Retrying,
		ByStatus:           map[string]int{},
		MemoryUsagePercent: s.Resources.UsagePercent,
		MemoryPressure:     s.Resources.Pressure,
		Workers:            []WorkerStatus{},
		Taken:              s.Taken,
	}
	for k, n := range s.Counts.ByStatus {
		st.ByStatus[string(k)] = n
	}
	for _, w := range s.Workers {
		ws := WorkerStatus{ID: w.ID, Endpoint: w.Endpoint, Status: w.State.String(), PO: w.PO, TasksCompleted: w.TasksDone,
			Restarts: w.Restarts, MemoryBytes: w.MemBytes, MemoryKind: w.MemKind, CPUPercent: w.CPU, LastError: w.LastError}
		if w.PO != "" && !w.TaskStart.IsZero() {
			ws.TaskSeconds = s.Taken.Sub(w.TaskStart).Seconds()
		}
		st.Workers = append(st.Workers, ws)
	}
	return st
}

func (m *Metrics) serveStatus(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(StatusOf(m.snapshot()))
}
