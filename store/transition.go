package store

import (
	"fmt"
	"time"

	"coupatui/vocab"
)

// Transition is one change in the life of one PO's task.
type Transition struct {
	PO         string          // normalised PO number
	Line       int             // input row (1-based, header excluded); 0 for POs added at run time
	State      vocab.TaskState // vocab.TaskQueued, vocab.TaskRunning, ... (any non-empty word is stored)
	Status     vocab.Status    // the status word once known, "" before
	Attempt    int             // attempts started so far
	Worker     int             // the worker running it, -1 when none
	Supplier   string          // as shown on the PO page
	Found      int             // attachments found
	Downloaded int             // attachments complete on disk
	Files      []string        // file names on disk; nil when none
	Folder     string          // the PO's folder
	URL        string          // the PO page
	Error      string          // what went wrong, "" when nothing did
	At         time.Time       // when it happened; Record sets time.Now() when zero

	Run int64 // the run that recorded it; set when read back, ignored by Record
}

func (t Transition) check() error {
	if t.PO == "" {
		return fmt.Errorf("%w: no PO", ErrBadTransition)
	}
	if t.State == "" {
		return fmt.Errorf("%w: PO %s has no state", ErrBadTransition, t.PO)
	}
	return nil
}

// File is one attachment complete on disk, as a PO's download recorded
// it: a retry or a re-run keeps it when the file in the PO's folder still
// has this name, size and hash.
type File struct {
	PO     string
	Index  int    // place among the PO's attachments, in page order
	Label  string // what the page shows for it
	URL    string // without the query string: no token is stored
	Name   string // its name in the PO's folder
	Size   int64
	SHA256 string    // hex
	At     time.Time // when it was complete; RecordFile sets time.Now() when zero
}

// Conversion is one e-mail file of a PO turned into a PDF beside it, or
// the reason it was not.
type Conversion struct {
	PO          string
	Source      string // the e-mail's file name in the PO's folder
	PDF         string // the PDF's file name; "" when it failed
	Attachments int    // the e-mail's own attachments written out
	Error       string // why it failed; "" when it did not
	At          time.Time
}

// RunInfo describes one run of one input.
type RunInfo struct {
	ID          int64
	Input       string    // absolute path of the input file
	PID         int       // the process that ran it
	Started     time.Time //
	Finished    time.Time // zero while running, or when the process died
	Interrupted bool      // stopped (by the operator or Close) before it finished
	Events      int       // transitions recorded
	POs         int       // POs it set out to fetch
	Kept        int       // POs whose earlier outcome it kept
	Removed     int       // rows of earlier runs no longer in the input
	// Statuses counts the final status each PO reached in this run, by
	// status word; POs it set out to fetch and did not finish are not in
	// it (Pending gives their number).
	Statuses map[vocab.Status]int
}

// Pending is how many of the POs the run set out to fetch it did not
// finish.
func (r RunInfo) Pending() int {
	n := r.POs
	for _, c := range r.Statuses {
		n -= c
	}
	return max(n, 0)
}

// Unfinished reports whether the run never reached Finish: it is running
// now or its process died.
func (r RunInfo) Unfinished() bool { return r.Finished.IsZero() }
