package run

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"gopkg.in/natefinch/lumberjack.v2"

	"coupatui/config"
)

// The log file rotates at logMaxMB, keeping the newest logBackups older
// files beside it (coupatui-<time>.log): a run of many thousand POs at
// debug level stays within ~120 MB of disk.
const (
	logMaxMB   = 20
	logBackups = 5
)

// openLog opens the log file (0600, appended, rotated) under the user
// state directory unless ui.log_file names another. Rotation is
// lumberjack's, a small, well-used library, rather than code of our own;
// its clean-up goroutine lives as long as the process, which opens the
// log once.
func openLog(cfg config.Config) (io.WriteCloser, error) {
	path, err := cfg.LogPath()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("log file %s: %w", path, err)
	}
	// Open it once now, so a log that cannot be written is one clear error
	// before any work, and a new file gets mode 0600.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("log file %s: %w", path, err)
	}
	f.Close()
	return &lumberjack.Logger{Filename: path, MaxSize: logMaxMB, MaxBackups: logBackups, LocalTime: true}, nil
}

// newLogger writes Debug and up to file, and to each extra handler (the
// console's log pane, or stderr without a console) what it asks for.
func newLogger(file io.Writer, extra ...slog.Handler) *slog.Logger {
	hs := []slog.Handler{slog.NewTextHandler(file, &slog.HandlerOptions{Level: slog.LevelDebug})}
	return slog.New(slog.NewMultiHandler(append(hs, extra...)...))
}
