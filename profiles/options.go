package profiles

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
)

// Options configures a Manager.
type Options struct {
	// Base is the base profile: the Chromium user data dir the operator
	// signs in with. "" means DefaultBase().
	Base string
	// ClonesDir is the parent folder of the clones. "" means
	// <user data dir>/coupatui/clones, next to the default base: not the
	// temporary dir, which is often a RAM-backed tmpfs where eight clones of
	// a large profile would compete with the browsers for memory.
	ClonesDir string
	// MaxSizeMB caps one item of a clone: a file, or a folder that holds
	// nothing needed to stay signed in, bigger than this is not copied and
	// is named in a warning and in Clone.Skipped. Items needed to stay
	// signed in are copied whatever their size. 0 means no cap.
	MaxSizeMB int
	// Concurrency bounds the files copied at once by the Manager, across
	// all the clones it makes at the same time. 0 means 4: the kernel does
	// the copying, and on two cores more files at once gain nothing.
	Concurrency int
	// Logger receives warnings about skipped items and reclaimed clones.
	// nil means a logger that discards everything.
	Logger *slog.Logger
}

// DefaultBase is where the base profile lives when the configuration names
// none: $XDG_DATA_HOME/coupatui/base-profile (~/.local/share/... when unset)
// on Linux and other Unix systems, %LOCALAPPDATA%\coupatui\base-profile on
// Windows, ~/Library/Application Support/coupatui/base-profile on macOS.
// It returns "" when the home folder cannot be found.
func DefaultBase() string {
	dir, err := dataDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "coupatui", "base-profile")
}

// defaultClonesDir is <user data dir>/coupatui/clones.
func defaultClonesDir() (string, error) {
	dir, err := dataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "coupatui", "clones"), nil
}

// dataDir is the per-user folder for application data that is not config
// and not cache, by the convention of each system.
func dataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return d, nil
		}
		return "", fmt.Errorf("finding the user data dir: %%LOCALAPPDATA%% is not set")
	case "darwin", "ios":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding the user data dir: %w", err)
		}
		return filepath.Join(home, "Library", "Application Support"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the user data dir: %w", err)
	}
	return filepath.Join(home, ".local", "share"), nil
}
