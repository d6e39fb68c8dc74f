package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"coupatui/vocab"
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

// Runs lists the runs of input, oldest first, with the final statuses
// each reached; input "" lists the runs of every input.
func (s *Store) Runs(input string) ([]RunInfo, error) {
	where, args := "", []any{}
	if input != "" {
		abs, err := normInput(input)
		if err != nil {
			return nil, fmt.Errorf("reading journal %s: %w", s.path, err)
		}
		where, args = "WHERE r.input = ?", []any{abs}
	}
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx,
		`SELECT r.id, r.input, r.pid, r.started_ns, r.finished_ns, r.interrupted, r.pos, r.kept, r.removed,
			(SELECT count(*) FROM events e WHERE e.run_id = r.id)
		FROM runs r `+where+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the runs in %s: %w", s.path, err)
	}
	defer rows.Close()
	var out []RunInfo
	index := map[int64]int{}
	for rows.Next() {
		var (
			ri       RunInfo
			started  int64
			finished sql.NullInt64
		)
		if err := rows.Scan(&ri.ID, &ri.Input, &ri.PID, &started, &finished, &ri.Interrupted,
			&ri.POs, &ri.Kept, &ri.Removed, &ri.Events); err != nil {
			return nil, fmt.Errorf("reading the runs in %s: %w", s.path, err)
		}
		ri.Started = time.Unix(0, started)
		if finished.Valid {
			ri.Finished = time.Unix(0, finished.Int64)
		}
		ri.Statuses = map[vocab.Status]int{}
		index[ri.ID] = len(out)
		out = append(out, ri)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the runs in %s: %w", s.path, err)
	}
	rows.Close()

	// The last event of each PO in each run says where the run left it.
	ev, err := s.db.QueryContext(ctx, `SELECT e.run_id, e.state, e.status FROM events e
		JOIN (SELECT max(id) AS id FROM events GROUP BY run_id, po) l ON l.id = e.id
		JOIN runs r ON r.id = e.run_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the runs in %s: %w", s.path, err)
	}
	defer ev.Close()
	for ev.Next() {
		var (
			id     int64
			state  vocab.TaskState
			status vocab.Status
		)
		if err := ev.Scan(&id, &state, &status); err != nil {
			return nil, fmt.Errorf("reading the runs in %s: %w", s.path, err)
		}
		if i, ok := index[id]; ok && state.Final() && status != "" {
			out[i].Statuses[status]++
		}
	}
	if err := ev.Err(); err != nil {
		return nil, fmt.Errorf("reading the runs in %s: %w", s.path, err)
	}
	return out, nil
}

// Files returns the files recorded complete for po, by place on the page.
func (s *Store) Files(po string) ([]File, error) {
	rows, err := s.db.QueryContext(context.Background(),
		`SELECT po, idx, label, url, name, size, sha256, at_ns FROM files WHERE po = ? ORDER BY idx`, po)
	if err != nil {
		return nil, fmt.Errorf("reading the files of PO %s in %s: %w", po, s.path, err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var (
			f  File
			at int64
		)
		if err := rows.Scan(&f.PO, &f.Index, &f.Label, &f.URL, &f.Name, &f.Size, &f.SHA256, &at); err != nil {
			return nil, fmt.Errorf("reading the files of PO %s in %s: %w", po, s.path, err)
		}
		f.At = time.Unix(0, at)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the files of PO %s in %s: %w", po, s.path, err)
	}
	return out, nil
}

// Conversions returns the e-mail conversions recorded for the POs of
// input, by PO, each PO's in file-name order.
func (s *Store) Conversions(input string) (map[string][]Conversion, error) {
	abs, err := normInput(input)
	if err != nil {
		return nil, fmt.Errorf("reading journal %s: %w", s.path, err)
	}
	rows, err := s.db.QueryContext(context.Background(),
		`SELECT c.po, c.source, c.pdf, c.attachments, c.error, c.at_ns FROM conversions c
		WHERE c.po IN (SELECT po FROM latest WHERE input = ?) ORDER BY c.po, c.source`, abs)
	if err != nil {
		return nil, fmt.Errorf("reading the conversions of %s in %s: %w", abs, s.path, err)
	}
	defer rows.Close()
	out := map[string][]Conversion{}
	for rows.Next() {
		var (
			c  Conversion
			at int64
		)
		if err := rows.Scan(&c.PO, &c.Source, &c.PDF, &c.Attachments, &c.Error, &at); err != nil {
			return nil, fmt.Errorf("reading the conversions of %s in %s: %w", abs, s.path, err)
		}
		c.At = time.Unix(0, at)
		out[c.PO] = append(out[c.PO], c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the conversions of %s in %s: %w", abs, s.path, err)
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
