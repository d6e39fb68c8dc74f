// Package store is coupatui's journal: a SQLite file that records every
// transition of every PO in every run, so that an interrupted run can be
// resumed and its report regenerated. Writes are batched by one goroutine
// per run so that journaling never slows the pool down.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
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
	DefaultFlushInterval = 100 * time.Millisecond
	DefaultBatchSize     = 512
	queueSize            = 8192 // transitions a run buffers before Record waits for the writer
	busyTimeoutMS        = 10000
)

// Store is an open journal. Its methods are safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	opts options

	mu     sync.Mutex // guards runs and closed
	runs   map[*Run]struct{}
	closed bool
}

type options struct {
	log           *slog.Logger
	flushInterval time.Duration
	batchSize     int
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

// WithFlushInterval sets how long a transition may wait in memory before
// it is committed (DefaultFlushInterval). It is also the most a crash can
// lose.
func WithFlushInterval(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.flushInterval = d
		}
	}
}

// WithBatchSize sets how many transitions are committed at most in one
// transaction (DefaultBatchSize); a full batch is committed at once.
func WithBatchSize(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.batchSize = n
		}
	}
}

// Open opens the journal at path, creating it (folder 0700, file 0600) and
// its schema when needed.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{log: slog.New(slog.DiscardHandler), flushInterval: DefaultFlushInterval, batchSize: DefaultBatchSize}
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
	if err := createFile(abs); err != nil {
		return nil, fmt.Errorf("opening journal %s: %w", abs, err)
	}
	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("opening journal %s: %w", abs, err)
	}
	ctx := context.Background()
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening journal %s: %w", abs, err)
	}
	return &Store{db: db, path: abs, opts: o, runs: map[*Run]struct{}{}}, nil
}

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
	open := make([]*Run, 0, len(s.runs))
	for r := range s.runs {
		open = append(open, r)
	}
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
