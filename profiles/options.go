package profiles

import "log/slog"

// Options configures a Manager.
type Options struct {
	// Base is the base profile: the Chromium user data dir the operator
	// signs in with (config.Config.ProfilePath). Required.
	Base string
	// ClonesDir is the parent folder of the clones
	// (config.Config.ClonesPath). Required.
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
