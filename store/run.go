package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Run records the transitions of one run of one input. Record and Flush
// are safe for concurrent use; Finish ends the run.
//
// Durability: transitions are committed in batches, at the latest
// flushInterval (100 ms by default) after they were recorded, or at once
// when batchSize accumulate. A crash of the process loses at most the
// batch not yet committed; Flush, Finish and Store.Close commit everything
// recorded before they were called.
type Run struct {
	ID      int64
	Input   string    // absolute path of the input file
	Started time.Time //

	store *Store
	log   *slog.Logger

	// mu guards finished against Record and Flush sending on ops while
	// Finish closes it: senders hold it for reading.
	mu       sync.RWMutex
	finished bool
	ops      chan op       // to the writer goroutine; closed by Finish
	done     chan struct{} // closed when the writer goroutine has returned

	errMu sync.Mutex // guards err
	err   error      // the first failed commit; later Records return it

	finishOnce sync.Once
	finishErr  error
}

// op is one transition to write, or (flush != nil) a request to commit
// everything before it and answer on flush.
type op struct {
	t     Transition
	flush chan error
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
		"INSERT INTO runs(input, started_ns) VALUES(?, ?)", abs, now.UnixNano())
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
		ops:   make(chan op, queueSize),
		done:  make(chan struct{}),
	}
	if err := s.register(r); err != nil {
		return nil, err
	}
	go r.write()
	return r, nil
}

// Record queues t to be written. It waits only when the writer is more
// than a queue (8192 transitions) behind. It returns ErrRunFinished after
// Finish, and the error of an earlier failed commit if there was one.
func (r *Run) Record(t Transition) error {
	if err := t.check(); err != nil {
		return err
	}
	if t.At.IsZero() {
		t.At = time.Now()
	}
	t.Files = slices.Clone(t.Files) // the caller may reuse its slice
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.finished {
		return fmt.Errorf("recording PO %s: %w", t.PO, ErrRunFinished)
	}
	if err := r.writeErr(); err != nil {
		return err
	}
	r.ops <- op{t: t}
	return nil
}

// Flush commits every transition recorded before it and returns the first
// commit error of the run, if any.
func (r *Run) Flush() error {
	ch := make(chan error, 1)
	r.mu.RLock()
	if r.finished {
		r.mu.RUnlock()
		return ErrRunFinished
	}
	r.ops <- op{flush: ch}
	r.mu.RUnlock()
	return <-ch
}

// Finish commits everything recorded, stops the writer and marks the run
// finished; interrupted says it stopped before every PO was final. Later
// calls wait for the first and return its result.
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
		err = fmt.Errorf("finishing run %d in %s: %w", r.ID, r.store.path, err)
	}
	return errors.Join(r.writeErr(), err)
}

func (r *Run) writeErr() error {
	r.errMu.Lock()
	defer r.errMu.Unlock()
	return r.err
}

// write is the run's writer goroutine: it gathers transitions into a
// batch and commits it when it is full, when the oldest has waited
// flushInterval, on Flush, and when ops is closed.
func (r *Run) write() {
	defer close(r.done)
	interval, size := r.store.opts.flushInterval, r.store.opts.batchSize
	batch := make([]Transition, 0, size)
	timer := time.NewTimer(interval)
	timer.Stop()
	commit := func() error {
		timer.Stop()
		if len(batch) == 0 {
			return r.writeErr()
		}
		err := r.commit(batch)
		batch = batch[:0]
		if err != nil {
			r.errMu.Lock()
			if r.err == nil {
				r.err = err
			}
			r.errMu.Unlock()
			r.log.Error("journal write failed", "err", err)
		}
		return r.writeErr()
	}
	for {
		select {
		case o, ok := <-r.ops:
			switch {
			case !ok:
				commit()
				return
			case o.flush != nil:
				o.flush <- commit()
			default:
				batch = append(batch, o.t)
				if len(batch) >= size {
					commit()
				} else if len(batch) == 1 {
					timer.Reset(interval)
				}
			}
		case <-timer.C:
			commit()
		}
	}
}

// commit writes one batch in one transaction: every event, then the
// latest event of each PO of the batch.
func (r *Run) commit(batch []Transition) error {
	ctx := context.Background()
	db := r.store.db
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("journal %s: %w", r.store.path, err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO events(run_id, po, line, state, status, attempt,
		worker, supplier, found, downloaded, files, folder, url, error, at_ns)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("journal %s: %w", r.store.path, err)
	}
	defer ins.Close()
	last := make(map[string]int64, len(batch))
	order := make([]string, 0, len(batch)) // POs in first-seen order, for a stable write
	for _, t := range batch {
		files, err := json.Marshal(t.Files)
		if err != nil {
			return fmt.Errorf("journal: files of PO %s: %w", t.PO, err)
		}
		res, err := ins.ExecContext(ctx, r.ID, t.PO, t.Line, t.State, t.Status, t.Attempt,
			t.Worker, t.Supplier, t.Found, t.Downloaded, string(files), t.Folder, t.URL, t.Error,
			t.At.UnixNano())
		if err != nil {
			return fmt.Errorf("journal %s: recording PO %s: %w", r.store.path, t.PO, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("journal %s: recording PO %s: %w", r.store.path, t.PO, err)
		}
		if _, seen := last[t.PO]; !seen {
			order = append(order, t.PO)
		}
		last[t.PO] = id
	}
	up, err := tx.PrepareContext(ctx, `INSERT INTO latest(input, po, event_id) VALUES(?,?,?)
		ON CONFLICT(input, po) DO UPDATE SET event_id = excluded.event_id`)
	if err != nil {
		return fmt.Errorf("journal %s: %w", r.store.path, err)
	}
	defer up.Close()
	for _, po := range order {
		if _, err := up.ExecContext(ctx, r.Input, po, last[po]); err != nil {
			return fmt.Errorf("journal %s: latest state of PO %s: %w", r.store.path, po, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("journal %s: committing %d transitions: %w", r.store.path, len(batch), err)
	}
	r.log.Debug("journal batch committed", "transitions", len(batch), "pos", len(order))
	return nil
}
