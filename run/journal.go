package run

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"coupatui/coupa"
	"coupatui/pool"
	"coupatui/sheet"
	"coupatui/store"
	"coupatui/vocab"
)

// recorder is the pool's Recorder: it turns each event the pool writes
// ahead into a journal row, synchronously, and counts the outcomes it
// wrote so the results workbook knows when to be rewritten.
type recorder struct {
	run      *store.Run
	outcomes atomic.Int64 // final outcomes (and e-mail conversions) recorded so far
	conv     *converter   // nil: e-mails are not converted
	// timed, when set, is told how long each journal write took (the
	// monitoring endpoint's histogram).
	timed func(time.Duration)
}

// Record implements pool.Recorder.
func (r *recorder) Record(ctx context.Context, ev pool.Event) error {
	if r.timed != nil {
		defer r.time(time.Now())
	}
	if f, ok := fileRow(ev); ok {
		return r.run.RecordFile(ctx, f)
	}
	tr, ok := transition(ev)
	if !ok {
		return nil
	}
	if err := r.run.Record(ctx, tr); err != nil {
		return err
	}
	if tr.State.Final() {
		r.outcomes.Add(1)
	}
	if tr.State == vocab.TaskDone && r.conv != nil {
		r.conv.add(tr.PO, tr.Folder, tr.Files) // behind the PO: its outcome is already recorded
	}
	return nil
}

// RecordMany implements pool.BatchRecorder: the transitions of evs (a
// command on many tasks) in one journal transaction.
func (r *recorder) RecordMany(ctx context.Context, evs []pool.Event) error {
	if r.timed != nil {
		defer r.time(time.Now())
	}
	var trs []store.Transition
	outcomes := 0
	for _, ev := range evs {
		if f, ok := fileRow(ev); ok {
			if err := r.run.RecordFile(ctx, f); err != nil {
				return err
			}
			continue
		}
		if tr, ok := transition(ev); ok {
			trs = append(trs, tr)
			if tr.State.Final() {
				outcomes++
			}
		}
	}
	if err := r.run.RecordMany(ctx, trs); err != nil {
		return err
	}
	r.outcomes.Add(int64(outcomes))
	for _, tr := range trs {
		if tr.State == vocab.TaskDone && r.conv != nil {
			r.conv.add(tr.PO, tr.Folder, tr.Files)
		}
	}
	return nil
}

func (r *recorder) time(start time.Time) { r.timed(time.Since(start)) }

// fileRow is the journal's files row of an event about a file just
// complete on disk.
func fileRow(ev pool.Event) (store.File, bool) {
	if ev.Kind != pool.EvTaskProgress || ev.Task == nil || ev.Task.Progress.Saved == nil {
		return store.File{}, false
	}
	f := ev.Task.Progress.Saved
	return store.File{PO: ev.Task.PO, Index: f.Index, Label: f.Label, URL: f.URL, Name: f.Name,
		Size: f.Size, SHA256: f.SHA256, At: ev.Time}, true
}

// transition turns a task event into a journal row; other events have none.
func transition(ev pool.Event) (store.Transition, bool) {
	t := ev.Task
	if t == nil {
		return store.Transition{}, false
	}
	var state vocab.TaskState
	switch ev.Kind {
	case pool.EvTaskQueued:
		state = vocab.TaskQueued
	case pool.EvTaskStarted:
		state = vocab.TaskRunning
	case pool.EvTaskRetried:
		state = vocab.TaskRetrying
		if t.State == vocab.TaskQueued {
			state = vocab.TaskQueued
		}
	case pool.EvTaskFinished:
		state = vocab.TaskDone
	case pool.EvTaskCancelled:
		state = vocab.TaskCancelled
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
		Status: vocab.Pending, Supplier: r.Supplier, Found: r.Found, Downloaded: r.Downloaded,
		Files: r.Files, Processed: r.Finished, Error: r.ErrorMessage(), Folder: r.Folder, URL: r.URL,
	}
	if t.State == vocab.TaskDone {
		o.Status = r.Status
	} else if len(t.Errors) > 0 {
		o.Error = t.Errors[len(t.Errors)-1]
	}
	return o
}

// journalOutcome is what the results workbook shows for a PO whose latest
// journal row is tr: its outcome once final, PENDING before.
func journalOutcome(tr store.Transition) sheet.Outcome {
	if !tr.State.Final() || tr.Status == "" {
		return sheet.Outcome{Status: vocab.Pending, URL: tr.URL, Error: tr.Error}
	}
	return sheet.Outcome{
		Status: tr.Status, Supplier: tr.Supplier, Found: tr.Found, Downloaded: tr.Downloaded,
		Files: tr.Files, Processed: tr.At, Error: tr.Error, Folder: tr.Folder, URL: tr.URL,
	}
}

// haveEngine gives each job the files the journal recorded for its PO, so
// a retry (in this run or a later one) keeps what is intact on disk.
type haveEngine struct {
	pool.Engine
	files func(po string) []coupa.File
}

func (e haveEngine) Launch(ctx context.Context, worker int) (pool.Browser, error) {
	b, err := e.Engine.Launch(ctx, worker)
	if err != nil {
		return nil, err
	}
	return &haveBrowser{Browser: b, files: e.files}, nil
}

// LaunchRemote passes a remote slot's launch on, when the engine has them.
func (e haveEngine) LaunchRemote(ctx context.Context, worker, endpoint int) (pool.Browser, error) {
	re, ok := e.Engine.(pool.RemoteEngine)
	if !ok {
		return nil, errors.New("this engine has no remote browsers")
	}
	b, err := re.LaunchRemote(ctx, worker, endpoint)
	if err != nil {
		return nil, err
	}
	return &haveBrowser{Browser: b, files: e.files}, nil
}

type haveBrowser struct {
	pool.Browser
	files func(po string) []coupa.File
}

// Err says why the browser ended, when it can (a remote one's reason).
func (b *haveBrowser) Err() error {
	if e, ok := b.Browser.(interface{ Err() error }); ok {
		return e.Err()
	}
	return nil
}

func (b *haveBrowser) Process(ctx context.Context, job coupa.Job, progress func(coupa.Progress)) coupa.Result {
	job.Have = b.files(job.PO)
	return b.Browser.Process(ctx, job, progress)
}

// journalFiles reads the files the journal recorded for po; a failed read
// only means fetching them again.
func journalFiles(st *store.Store) func(po string) []coupa.File {
	return func(po string) []coupa.File {
		rows, err := st.Files(po)
		if err != nil {
			return nil
		}
		out := make([]coupa.File, len(rows))
		for i, f := range rows {
			out[i] = coupa.File{Index: f.Index, Label: f.Label, URL: f.URL, Name: f.Name, Size: f.Size, SHA256: f.SHA256}
		}
		return out
	}
}
