//go:build !unix && !windows

package diskfull

func isOS(error) bool { return false }
