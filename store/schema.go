package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations[i] takes the schema from version i to i+1; PRAGMA user_version
// holds the version a file is at. Append, never edit, once released.
var migrations = []string{
	// 1: runs, their append-only events, and the latest event of each PO
	// of each input across runs.
	`
CREATE TABLE runs (
	id          INTEGER PRIMARY KEY,
	input       TEXT    NOT NULL,           -- absolute path of the input file
	started_ns  INTEGER NOT NULL,           -- unix nanoseconds
	finished_ns INTEGER,                    -- NULL: running, or the process died
	interrupted INTEGER NOT NULL DEFAULT 0  -- 1: stopped before every PO was final
);
CREATE INDEX runs_by_input ON runs(input, id);

CREATE TABLE events (
	id         INTEGER PRIMARY KEY,
	run_id     INTEGER NOT NULL REFERENCES runs(id),
	po         TEXT    NOT NULL,
	line       INTEGER NOT NULL,
	state      TEXT    NOT NULL,
	status     TEXT    NOT NULL,
	attempt    INTEGER NOT NULL,
	worker     INTEGER NOT NULL,
	supplier   TEXT    NOT NULL,
	found      INTEGER NOT NULL,
	downloaded INTEGER NOT NULL,
	files      TEXT    NOT NULL,            -- JSON array of file names
	folder     TEXT    NOT NULL,
	url        TEXT    NOT NULL,
	error      TEXT    NOT NULL,
	at_ns      INTEGER NOT NULL
);
CREATE INDEX events_by_run ON events(run_id, id);

CREATE TABLE latest (
	input    TEXT    NOT NULL,
	po       TEXT    NOT NULL,
	event_id INTEGER NOT NULL REFERENCES events(id),
	PRIMARY KEY (input, po)
) WITHOUT ROWID;
`,
	// 2: what each run set out to do, who ran it, and the files complete on
	// disk per PO and place on the page.
	`
ALTER TABLE runs ADD COLUMN pid     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN pos     INTEGER NOT NULL DEFAULT 0; -- POs it set out to fetch
ALTER TABLE runs ADD COLUMN kept    INTEGER NOT NULL DEFAULT 0; -- earlier outcomes kept
ALTER TABLE runs ADD COLUMN removed INTEGER NOT NULL DEFAULT 0; -- earlier rows no longer in the input

CREATE TABLE files (
	po     TEXT    NOT NULL,
	idx    INTEGER NOT NULL,                -- place among the PO's attachments, in page order
	label  TEXT    NOT NULL,
	url    TEXT    NOT NULL,                -- without the query string
	name   TEXT    NOT NULL,
	size   INTEGER NOT NULL,
	sha256 TEXT    NOT NULL,
	run_id INTEGER NOT NULL REFERENCES runs(id),
	at_ns  INTEGER NOT NULL,
	PRIMARY KEY (po, idx)
) WITHOUT ROWID;
`,
	// 3: e-mail files of a PO converted to PDF, or why not.
	`
CREATE TABLE conversions (
	po          TEXT    NOT NULL,
	source      TEXT    NOT NULL,           -- the e-mail's file name in the PO's folder
	pdf         TEXT    NOT NULL,           -- the PDF's file name beside it; "" when it failed
	attachments INTEGER NOT NULL,           -- the e-mail's own attachments written out
	error       TEXT    NOT NULL,           -- why it failed; "" when it did not
	run_id      INTEGER NOT NULL REFERENCES runs(id),
	at_ns       INTEGER NOT NULL,
	PRIMARY KEY (po, source)
) WITHOUT ROWID;
`,
}

// schemaVersion is the journal schema this build writes.
var schemaVersion = len(migrations)

// migrate brings db to schemaVersion in one transaction, and refuses a
// journal from a newer build rather than guess at it.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("reading schema version: %w", err)
	}
	if v > schemaVersion {
		return fmt.Errorf("%w (schema %d; this build knows %d)", ErrNewerSchema, v, schemaVersion)
	}
	if v == schemaVersion {
		return nil
	}
	for i := v; i < schemaVersion; i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migrating schema to version %d: %w", i+1, err)
		}
	}
	// PRAGMA takes no parameters; the value is our own integer.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("setting schema version: %w", err)
	}
	return tx.Commit()
}
