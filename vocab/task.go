package vocab

import (
	"fmt"
	"strings"
)

// TaskState is where a PO's task is in its life, as the pool, the
// journal and the console name it.
type TaskState string

const (
	TaskQueued   TaskState = "queued"   // waiting in the queue
	TaskRunning  TaskState = "running"  // a worker is processing it
	TaskRetrying TaskState = "retrying" // failed transiently; waiting for its backoff before re-entering the queue
	TaskDone     TaskState = "done"     // final; the outcome is known (CANCELLED included)

	// The journal records two more: a task the operator or a shutdown
	// stopped, and a row that left the input (its earlier outcome is kept
	// for history). A pool task is never in either.
	TaskCancelled TaskState = "cancelled"
	TaskRemoved   TaskState = "removed"
)

func (s TaskState) String() string { return string(s) }

// Final reports whether the task is over: done, or (in the journal)
// cancelled. Its outcome is then known.
func (s TaskState) Final() bool { return s == TaskDone || s == TaskCancelled }

// Waiting reports whether the task waits for a worker: queued, or
// retrying after its backoff. Only a waiting task can be reprioritised.
func (s TaskState) Waiting() bool { return s == TaskQueued || s == TaskRetrying }

// Priority orders the queue: Urgent before High before Normal before Low,
// first in first out within one priority.
type Priority int

const (
	Low Priority = iota
	Normal
	High
	Urgent
)

var priorityNames = [...]string{"LOW", "NORMAL", "HIGH", "URGENT"}

// PriorityWords are the words ParsePriority reads, for messages that
// list them.
const PriorityWords = "urgent, high, normal or low"

func (p Priority) String() string {
	if !p.Valid() {
		return fmt.Sprintf("Priority(%d)", int(p))
	}
	return priorityNames[p]
}

// Valid reports whether p is one of the four priorities.
func (p Priority) Valid() bool { return p >= Low && p <= Urgent }

// ParsePriority reads urgent|high|normal|low in any case, spaces around
// it ignored; "" is Normal. An unknown word gives Normal and an error
// that names it.
func ParsePriority(s string) (Priority, error) {
	switch strings.ToLower(strings.TrimFunc(s, IsBlank)) {
	case "urgent":
		return Urgent, nil
	case "high":
		return High, nil
	case "", "normal":
		return Normal, nil
	case "low":
		return Low, nil
	}
	return Normal, fmt.Errorf("priority %q: want %s", s, PriorityWords)
}
