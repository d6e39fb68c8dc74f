//go:build !linux

package testkit

// killUsing is a no-op where there is no /proc to find the processes.
func killUsing(dir string) {}
