package run

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"coupatui/pool"
	"coupatui/vocab"
)

// lineWriter prints one line per finished PO for --no-tui.
type lineWriter struct {
	w     io.Writer
	total int // POs this run fetches
	done  int
	root  string
}

func (lw *lineWriter) event(ev pool.Event) {
	switch ev.Kind {
	case pool.EvPoolDraining:
		if lw.done == lw.total {
			return // the natural end: nothing left to drain
		}
		fallthrough
	case pool.EvPolicy, pool.EvPoolScaled, pool.EvPressureChanged, pool.EvWorkerCrashed:
		// Decisions the operator should see, with their reasons.
		who := "pool"
		if ev.Worker != nil {
			who = fmt.Sprintf("worker %d", ev.Worker.ID)
		}
		fmt.Fprintf(lw.w, "%s %s: %s\n", ev.Time.Format("15:04:05"), who, ev.Reason)
		return
	}
	if ev.Task != nil && ev.Kind == pool.EvTaskRetried {
		fmt.Fprintf(lw.w, "%*s PO%s retried: %s\n", 3+2*len(fmt.Sprint(lw.total)), "↻", ev.Task.PO, ev.Reason)
		return
	}
	if ev.Task == nil || (ev.Kind != pool.EvTaskFinished && ev.Kind != pool.EvTaskCancelled) {
		return
	}
	t, r := ev.Task, ev.Task.Result
	lw.done++
	width := len(fmt.Sprint(lw.total))
	line := fmt.Sprintf("[%*d/%d] PO%s %-17s %d/%d files", width, lw.done, lw.total, t.PO, r.Status, r.Downloaded, r.Found)
	if r.Supplier != "" {
		line += " · " + r.Supplier
	}
	if !t.Started.IsZero() {
		line += " · " + t.Finished.Sub(t.Started).Round(100*time.Millisecond).String()
	}
	if t.Attempts > 1 {
		line += fmt.Sprintf(" · %d attempts", t.Attempts)
	}
	if r.Folder != "" {
		line += " · " + relTo(lw.root, r.Folder)
	}
	if r.Err != nil {
		line += " · " + r.Err.Error()
	}
	fmt.Fprintln(lw.w, line)
}

// JSONEvent is one line of --json output: one pool event.
type JSONEvent struct {
	Time       time.Time    `json:"time"`
	Event      string       `json:"event"`
	Pool       string       `json:"pool"`
	PO         string       `json:"po,omitempty"`
	State      string       `json:"state,omitempty"`
	Priority   string       `json:"priority,omitempty"`
	Status     vocab.Status `json:"status,omitempty"`
	Attempt    int          `json:"attempt,omitempty"`
	Worker     int          `json:"worker,omitempty"`
	Found      int          `json:"found,omitempty"`
	Downloaded int          `json:"downloaded,omitempty"`
	Files      []string     `json:"files,omitempty"`
	Folder     string       `json:"folder,omitempty"`
	URL        string       `json:"url,omitempty"`
	Error      string       `json:"error,omitempty"`
	Reason     string       `json:"reason,omitempty"`
	Missed     int          `json:"missed,omitempty"`
	// Started and Steps come with a final outcome: when its attempt
	// started, and the seconds each step of it took (see coupa.Steps).
	Started *time.Time         `json:"started,omitempty"`
	Steps   map[string]float64 `json:"steps,omitempty"`
}

func writeJSON(enc *json.Encoder, ev pool.Event) error {
	j := JSONEvent{Time: ev.Time, Event: ev.Kind.String(), Pool: ev.Pool.String(), Reason: ev.Reason, Missed: ev.Missed}
	if w := ev.Worker; w != nil {
		j.Worker = w.ID
	}
	if t := ev.Task; t != nil {
		o := outcomeOf(*t)
		j.PO, j.State, j.Priority, j.Attempt = t.PO, t.State.String(), t.Priority.String(), t.Attempts
		if t.State == vocab.TaskDone {
			j.Status, j.Found, j.Downloaded, j.Files, j.Folder, j.URL = o.Status, o.Found, o.Downloaded, o.Files, o.Folder, o.URL
			if !t.Started.IsZero() {
				started := t.Started
				j.Started, j.Steps = &started, map[string]float64{}
				t.Result.Steps.Each(func(name string, d time.Duration) { j.Steps[name] = d.Seconds() })
			}
		}
		if ev.Kind == pool.EvTaskProgress {
			j.Found, j.Downloaded = t.Progress.Found, t.Progress.Done
		}
		j.Error = o.Error
	}
	return enc.Encode(j)
}
