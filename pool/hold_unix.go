//go:build !windows

package pool

func isDiskFullOS(error) bool { return false }
