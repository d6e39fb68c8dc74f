package testkit

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// killUsing kills every process whose command line names dir (browsers a
// server started in a process group of their own, with profiles under
// dir) and waits until they are gone, at most 5 s: killing the server's
// group leaves them behind.
func killUsing(dir string) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		pids := using(dir)
		if len(pids) == 0 || time.Now().After(deadline) {
			return
		}
		for _, pid := range pids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond) // processes we do not parent send no signal
	}
}

// using lists the live processes whose command line names dir.
func using(dir string) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(dir)) {
			continue
		}
		if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil {
			if i := bytes.LastIndexByte(stat, ')'); i > 0 && len(stat) > i+2 && stat[i+2] == 'Z' {
				continue // a zombie its parent will reap
			}
		}
		out = append(out, pid)
	}
	return out
}
