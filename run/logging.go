package run

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"coupatui/config"
)

// openLog opens the log file (0600, appended) under the user state
// directory unless ui.log_file names another.
func openLog(cfg config.Config) (*os.File, error) {
	path, err := cfg.LogPath()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("log file %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("log file %s: %w", path, err)
	}
	return f, nil
}

// newLogger writes Debug and up to file, and to each extra handler (the
// console's log pane, or stderr without a console) what it asks for.
func newLogger(file io.Writer, extra ...slog.Handler) *slog.Logger {
	hs := []slog.Handler{slog.NewTextHandler(file, &slog.HandlerOptions{Level: slog.LevelDebug})}
	return slog.New(slog.NewMultiHandler(append(hs, extra...)...))
}
