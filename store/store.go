// Package store is coupatui's journal: a SQLite file that records every
// transition of every PO in every run and every file complete on disk, so
// that an interrupted run can be resumed, a retry keeps the files it has,
// and the results workbook can be regenerated without a browser. Writes
// are synchronous and group-committed (see Run).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Errors callers test with errors.Is.
var (
	ErrClosed        = errors.New("journal is closed")
	ErrRunFinished   = errors.New("run is finished")
	ErrNewerSchema   = errors.New("journal was written by a newer coupatui")
	ErrBadTransition = errors.New("bad transition")
)

// Defaults for Open's options.
const (
	DefaultBatchSize = 512
	busyTimeoutMS    = 10000
)

// Store is an open journal. Its methods are safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	opts options

	// movedAside is where a damaged journal found at Open was moved, ""
	// when none was.
	movedAside string
	damage     string // what quick_check or SQLite said of it

	mu     sync.Mutex // guards runs and closed
	runs   map[*Run]struct{}
	closed bool
}

type options struct {
	log       *slog.Logger
	batchSize int
}

// Option changes how Open sets a journal up.
type Option func(*options)

// WithLogger sets where the journal logs write failures and batch sizes.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithBatchSize sets how many rows are committed at most in one
// transaction (DefaultBatchSize).
func WithBatchSize(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.batchSize = n
		}
	}
}

// Open opens the journal at path, creating it (folder 0700, file 0600) and
// its schema when needed. It runs PRAGMA quick_check first: a damaged
// journal (or a file that is not one) is moved aside, never overwritten,
// and a new one started; MovedAside says so. A journal from a newer
// coupatui is refused with ErrNewerSchema.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{log: slog.New(slog.DiscardHandler), batchSize: DefaultBatchSize}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" {
		return nil, errors.New("opening journal: no path given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("opening journal %s: %w", path, err)
	}
	db, err := openDB(abs)
	var moved, damage string
	if err != nil && isDamaged(err) {
		damage = err.Error()
		if moved, err = moveAside(abs); err != nil {
			return nil, fmt.Errorf("journal %s is damaged (%s) and could not be moved aside: %w", abs, damage, err)
		}
		o.log.Error("journal damaged: moved aside, starting a new one", "journal", abs, "moved_to", moved, "damage", damage)
		db, err = openDB(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("opening journal %s: %w", abs, err)
	}
	return &Store{db: db, path: abs, opts: o, runs: map[*Run]struct{}{}, movedAside: moved, damage: damage}, nil
}

// openDB opens, checks and migrates the journal file at abs.
func openDB(abs string) (*sql.DB, error) {
	if err := createFile(abs); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if err := quickCheck(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// errDamaged marks a journal SQLite cannot trust.
var errDamaged = errors.New("damaged")

// quickCheck runs PRAGMA quick_check; anything but "ok" is damage.
func quickCheck(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		if isDamaged(err) {
			return fmt.Errorf("%w: %w", errDamaged, err)
		}
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("%w: quick_check: %w", errDamaged, err)
		}
		if line != "ok" && len(problems) < 3 {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%w: quick_check: %w", errDamaged, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: quick_check: %s", errDamaged, strings.Join(problems, "; "))
	}
	return nil
}

// isDamaged reports an error that means the file is not a sound SQLite
// database (SQLITE_CORRUPT, SQLITE_NOTADB, a failed quick_check).
func isDamaged(err error) bool {
	if errors.Is(err, errDamaged) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed") ||
		strings.Contains(msg, "SQLITE_CORRUPT") || strings.Contains(msg, "SQLITE_NOTADB")
}

// moveAside renames a damaged journal and its -wal and -shm files to
// <path>.damaged-<time>[-n], a name not yet taken, and returns it.
func moveAside(path string) (string, error) {
	base := path + ".damaged-" + time.Now().Format("20060102-150405")
	to := base
	for n := 2; ; n++ {
		if _, err := os.Lstat(to); errors.Is(err, fs.ErrNotExist) {
			break
		}
		to = fmt.Sprintf("%s-%d", base, n)
	}
	if err := os.Rename(path, to); err != nil {
		return "", err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Rename(path+suffix, to+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return to, err
		}
	}
	return to, nil
}

// MovedAside is where Open moved a damaged journal and what was wrong with
// it; "" when the journal was sound.
func (s *Store) MovedAside() (to, damage string) { return s.movedAside, s.damage }

// Path is the journal's absolute file name.
func (s *Store) Path() string { return s.path }

// Close finishes every run still open, as interrupted, flushing what they
// hold, then closes the file. It is safe to call twice.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	open := slices.Collect(maps.Keys(s.runs))
	s.mu.Unlock()

	var errs []error
	for _, r := range open {
		errs = append(errs, r.Finish(true))
	}
	if err := s.db.Close(); err != nil {
		errs = append(errs, fmt.Errorf("closing journal %s: %w", s.path, err))
	}
	return errors.Join(errs...)
}

// createFile makes the journal's folder (0700) and an empty file (0600)
// when they do not exist, so SQLite never creates them with the umask's
// wider modes; SQLite gives its -wal and -shm files the same mode.
func createFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// dsn is the modernc.org/sqlite data source for a file: WAL so readers
// never block the writer, synchronous=NORMAL (in WAL mode a commit survives
// a crash of the process, only a power loss may undo the last ones),
// IMMEDIATE transactions so two writers wait on busy_timeout instead of
// failing on a lock upgrade.
func dsn(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: file:/C:/...
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: p}
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeoutMS))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	return u.String() + "?" + q.Encode()
}

// register and forget track the runs Close must finish.
func (s *Store) register(r *Run) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.runs[r] = struct{}{}
	return nil
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *Store) forget(r *Run) {
	s.mu.Lock()
	delete(s.runs, r)
	s.mu.Unlock()
}

// normInput is the key runs of one input share: its absolute, clean path.
func normInput(input string) (string, error) {
	if input == "" {
		return "", errors.New("no input path given")
	}
	abs, err := filepath.Abs(input)
	if err != nil {
		return "", fmt.Errorf("input %s: %w", input, err)
	}
	return abs, nil
}
