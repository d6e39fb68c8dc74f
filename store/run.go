package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Run records the transitions of one run of one input. Its methods are
// safe for concurrent use.
//
// Durability: Record and RecordFile return once their row is committed,
// so a row they accepted survives a kill of the process (WAL with
// synchronous=NORMAL: only a power cut may undo the last second). Writes
// are group-committed: one goroutine commits, in one transaction, every
// row that arrived while the previous commit ran, so many writers share
// one commit instead of queueing behind each other. A failed commit fails
// every write of its batch and nothing after it: the next write tries
// again.
type Run struct {
	ID      int64
	Input   string    // absolute path of the input file
	Started time.Time //

	store *Store
	log   *slog.Logger

	// mu guards finished against writers sending on ops while Finish
	// closes it: senders hold it for reading.
	mu       sync.RWMutex
	finished bool
	ops      chan op       // to the writer goroutine; closed by Finish
	done     chan struct{} // closed when the writer goroutine has returned

	finishOnce sync.Once
	finishErr  error
}

// op is one row to write and where to answer once it is committed.
type op struct {
	t    *Transition
	ts   []Transition // RecordMany: written in the same transaction as t's would be
	f    *File
	c    *Conversion
	done chan error // cap 1
}

// BeginRun starts a run of input (made absolute) and its writer goroutine.
func (s *Store) BeginRun(input string) (*Run, error) {
	abs, err := normInput(input)
	if err != nil {
		return nil, fmt.Errorf("beginning a run in %s: %w", s.path, err)
	}
	if s.isClosed() {
		return nil, fmt.Errorf("beginning a run of %s: %w", abs, ErrClosed)
	}
	now := time.Now()
	res, err := s.db.ExecContext(context.Background(),
		"INSERT INTO runs(input, started_ns, pid) VALUES(?, ?, ?)", abs, now.UnixNano(), os.Getpid())
	if err != nil {
		return nil, fmt.Errorf("beginning a run of %s in %s: %w", abs, s.path, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("beginning a run of %s in %s: %w", abs, s.path, err)
	}
	r := &Run{
		ID: id, Input: abs, Started: now,
		store: s,
		log:   s.opts.log.With("run", id),
		ops:   make(chan op, s.opts.batchSize),
		done:  make(chan struct{}),
	}
	if err := s.register(r); err != nil {
		return nil, err
	}
	go r.write()
	return r, nil
}

// Plan records what the run sets out to do: fetch pos POs, keep kept
// outcomes of earlier runs, and removed rows of earlier runs that are no
// longer in the input.
func (r *Run) Plan(pos, kept, removed int) error {
	_, err := r.store.db.ExecContext(context.Background(),
		"UPDATE runs SET pos = ?, kept = ?, removed = ? WHERE id = ?", pos, kept, removed, r.ID)
	if err != nil {
		return fmt.Errorf("journal %s: planning run %d: %w", r.store.path, r.ID, err)
	}
	return nil
}

// Record writes t and returns once it is committed, or when ctx ends
// (the row may still be committed then). It returns ErrRunFinished after
// Finish, and the commit's error when the commit failed.
func (r *Run) Record(ctx context.Context, t Transition) error {
	if err := t.check(); err != nil {
		return err
	}
	if t.At.IsZero() {
		t.At = time.Now()
	}
	t.Files = slices.Clone(t.Files) // the caller may reuse its slice
	return r.send(ctx, op{t: &t}, "PO "+t.PO)
}

// RecordMany writes every transition of ts in one transaction, all or
// none, and returns once they are committed (a command on many tasks: the
// console's bulk cancel).
func (r *Run) RecordMany(ctx context.Context, ts []Transition) error {
	if len(ts) == 0 {
		return nil
	}
	own := make([]Transition, len(ts)) // the caller may reuse its slice
	now := time.Now()
	for i, t := range ts {
		if err := t.check(); err != nil {
			return err
		}
		if t.At.IsZero() {
			t.At = now
		}
		t.Files = slices.Clone(t.Files)
		own[i] = t
	}
	return r.send(ctx, op{ts: own}, fmt.Sprintf("%d transitions", len(ts)))
}

// RecordFile writes f, one file complete on disk, and returns once it is
// committed; a file of the same PO and place replaces the earlier one.
func (r *Run) RecordFile(ctx context.Context, f File) error {
	return r.recordOne(ctx, op{f: &f}, &f.At, "file", f.Name, f.PO)
}

// RecordConversion writes c and returns once it is committed; a later
// conversion of the same file of the same PO replaces it.
func (r *Run) RecordConversion(ctx context.Context, c Conversion) error {
	return r.recordOne(ctx, op{c: &c}, &c.At, "conversion of", c.Source, c.PO)
}

// recordOne sends o, a record of the file name of PO po ("what name of PO
// po" in errors), stamping *at with the time now when it is zero; both
// names are its key, so neither may be empty.
func (r *Run) recordOne(ctx context.Context, o op, at *time.Time, what, name, po string) error {
	if po == "" || name == "" {
		return fmt.Errorf("%w: %s %q of PO %q", ErrBadTransition, what, name, po)
	}
	if at.IsZero() {
		*at = time.Now()
	}
	return r.send(ctx, o, what+" "+name+" of PO "+po)
}

func (r *Run) send(ctx context.Context, o op, what string) error {
	o.done = make(chan error, 1)
	r.mu.RLock()
	if r.finished {
		r.mu.RUnlock()
		return fmt.Errorf("recording %s: %w", what, ErrRunFinished)
	}
	select {
	case r.ops <- o:
	case <-ctx.Done():
		r.mu.RUnlock()
		return ctx.Err()
	}
	r.mu.RUnlock()
	select {
	case err := <-o.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Finish waits for the writes in flight, stops the writer and marks the
// run finished; interrupted says it stopped before every PO was final.
// Later calls wait for the first and return its result.
func (r *Run) Finish(interrupted bool) error {
	r.finishOnce.Do(func() { r.finishErr = r.finish(interrupted) })
	return r.finishErr
}

func (r *Run) finish(interrupted bool) error {
	r.mu.Lock()
	r.finished = true
	close(r.ops)
	r.mu.Unlock()
	<-r.done
	defer r.store.forget(r)

	_, err := r.store.db.ExecContext(context.Background(),
		"UPDATE runs SET finished_ns = ?, interrupted = ? WHERE id = ?",
		time.Now().UnixNano(), interrupted, r.ID)
	if err != nil {
		return fmt.Errorf("finishing run %d in %s: %w", r.ID, r.store.path, err)
	}
	return nil
}

// write is the run's writer goroutine: it takes every op waiting, commits
// them in one transaction and answers each, until ops is closed.
func (r *Run) write() {
	defer close(r.done)
	size := r.store.opts.batchSize
	batch := make([]op, 0, size)
	for {
		o, ok := <-r.ops
		if !ok {
			return
		}
		batch = append(batch[:0], o)
	more:
		for len(batch) < size {
			select {
			case o, ok := <-r.ops:
				if !ok {
					break more
				}
				batch = append(batch, o)
			default:
				break more
			}
		}
		err := diskFull(r.commit(batch))
		if err != nil {
			r.log.Error("journal write failed", "rows", len(batch), "err", err)
		}
		for _, o := range batch {
			o.done <- err
		}
		clear(batch)
	}
}

// commit writes one batch in one transaction: every event, the latest
// event of each PO of the batch, and every file.
func (r *Run) commit(batch []op) error {
	ctx := context.Background()
	s := r.store
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("journal %s: %w", s.path, err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO events(run_id, po, line, state, status, attempt,
		worker, supplier, found, downloaded, files, folder, url, error, at_ns)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("journal %s: %w", s.path, err)
	}
	defer ins.Close()
	last := make(map[string]int64, len(batch))
	order := make([]string, 0, len(batch)) // POs in first-seen order, for a stable write
	var files []*File
	var convs []*Conversion
	rows := 0
	for _, o := range batch {
		if o.f != nil {
			files = append(files, o.f)
			continue
		}
		if o.c != nil {
			convs = append(convs, o.c)
			continue
		}
		ts := o.ts
		if o.t != nil {
			ts = []Transition{*o.t}
		}
		for i := range ts {
			if err := r.insert(ctx, ins, &ts[i], last, &order); err != nil {
				return err
			}
			rows++
		}
	}
	if len(order) > 0 {
		up, err := tx.PrepareContext(ctx, `INSERT INTO latest(input, po, event_id) VALUES(?,?,?)
			ON CONFLICT(input, po) DO UPDATE SET event_id = excluded.event_id`)
		if err != nil {
			return fmt.Errorf("journal %s: %w", s.path, err)
		}
		defer up.Close()
		for _, po := range order {
			if _, err := up.ExecContext(ctx, r.Input, po, last[po]); err != nil {
				return fmt.Errorf("journal %s: latest state of PO %s: %w", s.path, po, err)
			}
		}
	}
	if len(files) > 0 {
		fi, err := tx.PrepareContext(ctx, `INSERT INTO files(po, idx, label, url, name, size, sha256, run_id, at_ns)
			VALUES(?,?,?,?,?,?,?,?,?)
			ON CONFLICT(po, idx) DO UPDATE SET label = excluded.label, url = excluded.url, name = excluded.name,
				size = excluded.size, sha256 = excluded.sha256, run_id = excluded.run_id, at_ns = excluded.at_ns`)
		if err != nil {
			return fmt.Errorf("journal %s: %w", s.path, err)
		}
		defer fi.Close()
		for _, f := range files {
			if _, err := fi.ExecContext(ctx, f.PO, f.Index, f.Label, f.URL, f.Name, f.Size, f.SHA256, r.ID, f.At.UnixNano()); err != nil {
				return fmt.Errorf("journal %s: file %s of PO %s: %w", s.path, f.Name, f.PO, err)
			}
		}
	}
	if len(convs) > 0 {
		ci, err := tx.PrepareContext(ctx, `INSERT INTO conversions(po, source, pdf, attachments, error, run_id, at_ns)
			VALUES(?,?,?,?,?,?,?)
			ON CONFLICT(po, source) DO UPDATE SET pdf = excluded.pdf, attachments = excluded.attachments,
				error = excluded.error, run_id = excluded.run_id, at_ns = excluded.at_ns`)
		if err != nil {
			return fmt.Errorf("journal %s: %w", s.path, err)
		}
		defer ci.Close()
		for _, c := range convs {
			if _, err := ci.ExecContext(ctx, c.PO, c.Source, c.PDF, c.Attachments, c.Error, r.ID, c.At.UnixNano()); err != nil {
				return fmt.Errorf("journal %s: conversion of %s of PO %s: %w", s.path, c.Source, c.PO, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("journal %s: committing %d rows: %w", s.path, rows+len(files)+len(convs), err)
	}
	r.log.Debug("journal batch committed", "rows", rows+len(files)+len(convs), "pos", len(order), "files", len(files))
	return nil
}

// insert adds one event row and notes it as the latest of its PO.
func (r *Run) insert(ctx context.Context, ins *sql.Stmt, t *Transition, last map[string]int64, order *[]string) error {
	path := r.store.path
	names, err := json.Marshal(t.Files)
	if err != nil {
		return fmt.Errorf("journal: files of PO %s: %w", t.PO, err)
	}
	res, err := ins.ExecContext(ctx, r.ID, t.PO, t.Line, t.State, t.Status, t.Attempt,
		t.Worker, t.Supplier, t.Found, t.Downloaded, string(names), t.Folder, t.URL, t.Error,
		t.At.UnixNano())
	if err != nil {
		return fmt.Errorf("journal %s: recording PO %s: %w", path, t.PO, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("journal %s: recording PO %s: %w", path, t.PO, err)
	}
	if _, seen := last[t.PO]; !seen {
		*order = append(*order, t.PO)
	}
	last[t.PO] = id
	return nil
}

// diskFull makes SQLite's "database or disk is full" (SQLITE_FULL) an
// error that also matches syscall.ENOSPC, so callers tell a full disk
// from other failures with errors.Is as they do for files.
func diskFull(err error) error {
	if err == nil || errors.Is(err, syscall.ENOSPC) {
		return err
	}
	if msg := err.Error(); strings.Contains(msg, "disk is full") || strings.Contains(msg, "SQLITE_FULL") {
		return fmt.Errorf("%w (%w)", err, syscall.ENOSPC)
	}
	return err
}
