//go:build !linux

package main

import (
	"errors"
	"time"
)

// procOwn is Linux-only: elsewhere the bench reports no memory figures and
// only the CPU time the operating system gives for the whole process tree.
func procOwn(pid int, withPSS bool) (hwm, pss uint64, cpu time.Duration, err error) {
	return 0, 0, 0, errors.New("process figures are read on Linux only")
}

func machineName() string { return "" }

func loadAverage() string { return "" }
