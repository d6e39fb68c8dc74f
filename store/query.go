package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// eventColumns are read by scanTransition, in its order.
const eventColumns = `e.run_id, e.po, e.line, e.state, e.status, e.attempt, e.worker, e.supplier,
	e.found, e.downloaded, e.files, e.folder, e.url, e.error, e.at_ns`

// Latest returns the latest committed transition of every PO ever recorded
// for input, across all its runs, keyed by PO. Transitions still waiting in
// a run's batch are not seen; call Run.Flush first when that matters.
func (s *Store) Latest(input string) (map[string]Transition, error) {
	abs, err := normInput(input)
	if err != nil {
		return nil, fmt.Errorf("reading journal %s: %w", s.path, err)
	}
	rows, err := s.db.QueryContext(context.Background(),
		`SELECT `+eventColumns+` FROM latest l JOIN events e ON e.id = l.event_id WHERE l.input = ?`, abs)
	if err != nil {
		return nil, fmt.Errorf("reading the latest states of %s in %s: %w", abs, s.path, err)
	}
	defer rows.Close()
	out := map[string]Transition{}
	for rows.Next() {
		t, err := scanTransition(rows)
		if err != nil {
			return nil, fmt.Errorf("reading the latest states of %s in %s: %w", abs, s.path, err)
		}
		out[t.PO] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the latest states of %s in %s: %w", abs, s.path, err)
	}
	return out, nil
}

// Events returns every committed transition of one run, in the order they
// were recorded.
func (s *Store) Events(runID int64) ([]Transition, error) {
	rows, err := s.db.QueryContext(context.Background(),
		`SELECT `+eventColumns+` FROM events e WHERE e.run_id = ? ORDER BY e.id`, runID)
	if err != nil {
		return nil, fmt.Errorf("reading run %d in %s: %w", runID, s.path, err)
	}
	defer rows.Close()
	var out []Transition
	for rows.Next() {
		t, err := scanTransition(rows)
		if err != nil {
			return nil, fmt.Errorf("reading run %d in %s: %w", runID, s.path, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading run %d in %s: %w", runID, s.path, err)
	}
	return out, nil
}

// Runs lists the runs of input, oldest first.
func (s *Store) Runs(input string) ([]RunInfo, error) {
	abs, err := normInput(input)
	if err != nil {
		return nil, fmt.Errorf("reading journal %s: %w", s.path, err)
	}
	rows, err := s.db.QueryContext(context.Background(),
		`SELECT r.id, r.input, r.started_ns, r.finished_ns, r.interrupted,
			(SELECT count(*) FROM events e WHERE e.run_id = r.id)
		FROM runs r WHERE r.input = ? ORDER BY r.id`, abs)
	if err != nil {
		return nil, fmt.Errorf("reading the runs of %s in %s: %w", abs, s.path, err)
	}
	defer rows.Close()
	var out []RunInfo
	for rows.Next() {
		var (
			ri       RunInfo
			started  int64
			finished sql.NullInt64
		)
		if err := rows.Scan(&ri.ID, &ri.Input, &started, &finished, &ri.Interrupted, &ri.Events); err != nil {
			return nil, fmt.Errorf("reading the runs of %s in %s: %w", abs, s.path, err)
		}
		ri.Started = time.Unix(0, started)
		if finished.Valid {
			ri.Finished = time.Unix(0, finished.Int64)
		}
		out = append(out, ri)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the runs of %s in %s: %w", abs, s.path, err)
	}
	return out, nil
}

func scanTransition(rows *sql.Rows) (Transition, error) {
	var (
		t     Transition
		files string
		at    int64
	)
	err := rows.Scan(&t.Run, &t.PO, &t.Line, &t.State, &t.Status, &t.Attempt, &t.Worker, &t.Supplier,
		&t.Found, &t.Downloaded, &files, &t.Folder, &t.URL, &t.Error, &at)
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal([]byte(files), &t.Files); err != nil {
		return t, fmt.Errorf("files of PO %s: %w", t.PO, err)
	}
	if len(t.Files) == 0 {
		t.Files = nil
	}
	t.At = time.Unix(0, at)
	return t, nil
}
