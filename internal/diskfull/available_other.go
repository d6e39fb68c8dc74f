//go:build !linux && !darwin && !freebsd && !windows

package diskfull

// Available cannot be told on this system; callers then rely on the error
// the write itself returns.
func Available(string) (uint64, bool) { return 0, false }
