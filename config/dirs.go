package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// appName is coupatui's folder name inside the user's folders.
const appName = "coupatui"

// Default file names inside StateDir and DataDir.
const (
	LogFileName     = "coupatui.log"
	JournalFileName = "journal.sqlite"
	ProfileDirName  = "base-profile"
	ClonesDirName   = "clones"
	PagesDirName    = "pages"
)

// StateDir is coupatui's folder for logs and the journal. It is not
// created here.
//   - Linux and other Unix: $XDG_STATE_HOME/coupatui, else ~/.local/state/coupatui
//   - macOS: ~/Library/Logs/coupatui
//   - Windows: %LOCALAPPDATA%\coupatui
func StateDir() (string, error) {
	return stateDir(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

// DataDir is coupatui's folder for the signed-in browser profile. It is not
// created here.
//   - Linux and other Unix: $XDG_DATA_HOME/coupatui, else ~/.local/share/coupatui
//   - macOS: ~/Library/Application Support/coupatui
//   - Windows: %LOCALAPPDATA%\coupatui
func DataDir() (string, error) {
	return dataDir(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

func stateDir(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	return userDir(goos, getenv, home, "XDG_STATE_HOME", ".local/state", "Library/Logs")
}

func dataDir(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	return userDir(goos, getenv, home, "XDG_DATA_HOME", ".local/share", "Library/Application Support")
}

// userDir applies one OS convention. The XDG spec says a relative
// $XDG_*_HOME is invalid and must be ignored.
func userDir(goos string, getenv func(string) string, home func() (string, error),
	xdgVar, xdgFallback, macDir string) (string, error) {
	if goos == "windows" {
		base := getenv("LOCALAPPDATA")
		if base == "" {
			return "", errors.New("%LOCALAPPDATA% is not set")
		}
		return filepath.Join(base, appName), nil
	}
	if goos != "darwin" && goos != "ios" {
		if x := getenv(xdgVar); x != "" && filepath.IsAbs(x) {
			return filepath.Join(x, appName), nil
		}
	}
	h, err := home()
	if err != nil {
		return "", fmt.Errorf("finding the home folder: %w", err)
	}
	if goos == "darwin" || goos == "ios" {
		return filepath.Join(h, macDir, appName), nil
	}
	return filepath.Join(h, xdgFallback, appName), nil
}

// LogPath is ui.log_file, or coupatui.log in StateDir when it is "".
func (c Config) LogPath() (string, error) {
	return orDefault(c.UI.LogFile, StateDir, LogFileName)
}

// JournalPath is store.journal, or journal.sqlite in StateDir when it is "".
func (c Config) JournalPath() (string, error) {
	return orDefault(c.Store.Journal, StateDir, JournalFileName)
}

// ProfilePath is pool.base_profile_path, or the profile folder in DataDir
// when it is "".
func (c Config) ProfilePath() (string, error) {
	return orDefault(c.Pool.BaseProfilePath, DataDir, ProfileDirName)
}

// ClonesPath is where the workers' private copies of the base profile go:
// the clones folder in DataDir, next to the default base profile (not the
// temp dir, often a RAM-backed tmpfs where eight copies of a large profile
// would compete with the browsers for memory).
func (c Config) ClonesPath() (string, error) {
	d, err := DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, ClonesDirName), nil
}

// PagesPath is where the pages of one input's POs are saved (UNRECOGNISED
// ones, or every one with --save-pages): pages/<input file name without
// its extension> in StateDir.
func (c Config) PagesPath(input string) (string, error) {
	d, err := StateDir()
	if err != nil {
		return "", err
	}
	stem := strings.TrimSuffix(filepath.Base(input), filepath.Ext(input))
	return filepath.Join(d, PagesDirName, stem), nil
}

// DownloadRoot is downloads.root, or a downloads folder next to the input
// file when it is "".
func (c Config) DownloadRoot(input string) string {
	if c.Downloads.Root != "" {
		return c.Downloads.Root
	}
	return filepath.Join(filepath.Dir(input), "downloads")
}

func orDefault(set string, dir func() (string, error), name string) (string, error) {
	if set != "" {
		return set, nil
	}
	d, err := dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, name), nil
}
