package main

import (
	"context"
	"log/slog"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/sheet"
	"coupatui/store"
)

// journal records every task transition of a run in the SQLite journal, so
// an interrupted run resumes and its report can be regenerated.
func journal(run *store.Run, events <-chan pool.Event, log *slog.Logger) {
	for ev := range events {
		tr, ok := transition(ev)
		if !ok {
			continue
		}
		if err := run.Record(context.Background(), tr); err != nil {
			log.Error("journal: cannot record", "po", tr.PO, "err", err)
		}
	}
}

// transition turns a task event into a journal row; other events have none.
func transition(ev pool.Event) (store.Transition, bool) {
	t := ev.Task
	if t == nil {
		return store.Transition{}, false
	}
	var state string
	switch ev.Kind {
	case pool.EvTaskQueued:
		state = store.StateQueued
	case pool.EvTaskStarted:
		state = store.StateRunning
	case pool.EvTaskRetried:
		state = store.StateRetrying
		if t.State == pool.Queued {
			state = store.StateQueued
		}
	case pool.EvTaskFinished:
		state = store.StateDone
	case pool.EvTaskCancelled:
		state = store.StateCancelled
	default:
		return store.Transition{}, false
	}
	o := outcomeOf(*t)
	return store.Transition{
		PO: t.PO, Line: t.Meta.Row, State: state, Status: o.Status, Attempt: t.Attempts,
		Worker: t.Worker, Supplier: o.Supplier, Found: o.Found, Downloaded: o.Downloaded,
		Files: o.Files, Folder: o.Folder, URL: o.URL, Error: o.Error, At: ev.Time,
	}, true
}

// outcomeOf is what the results workbook shows for a task.
func outcomeOf(t pool.TaskInfo) sheet.Outcome {
	r := t.Result
	o := sheet.Outcome{
		Status: string(coupa.Pending), Supplier: r.Supplier, Found: r.Found, Downloaded: r.Downloaded,
		Files: r.Files, Processed: r.Finished, Error: r.ErrorMessage(), Folder: r.Folder, URL: r.URL,
	}
	if t.State == pool.Done {
		o.Status = string(r.Status)
	} else if len(t.Errors) > 0 {
		o.Error = t.Errors[len(t.Errors)-1]
	}
	return o
}

// resumed is the outcome an earlier run of the same input already reached
// for a PO, when it is final. Cancelled POs are fetched again.
func resumed(tr store.Transition) (sheet.Outcome, bool) {
	st := coupa.Status(tr.Status)
	if tr.State != store.StateDone || !st.Final() || st == coupa.Cancelled {
		return sheet.Outcome{}, false
	}
	return sheet.Outcome{
		Status: tr.Status, Supplier: tr.Supplier, Found: tr.Found, Downloaded: tr.Downloaded,
		Files: tr.Files, Processed: tr.At, Error: tr.Error, Folder: tr.Folder, URL: tr.URL,
	}, true
}
