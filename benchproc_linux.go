package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on
// every Linux port Go supports.
const clockTicks = 100

// procOwn reads one process's own figures, without its children: its peak
// resident set (VmHWM), its proportional set size now when withPSS (its
// smaps_rollup walks the process's whole memory map: read it only when it
// is used), and the CPU time it used so far.
func procOwn(pid int, withPSS bool) (hwm, pss uint64, cpu time.Duration, err error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	hwm = kbField(status, "VmHWM:")
	if withPSS {
		if rollup, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid)); err == nil {
			pss = kbField(rollup, "Pss:")
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return hwm, pss, 0, err
	}
	// The command name may hold spaces: fields count from after its ")".
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return hwm, pss, 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return hwm, pss, 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, _ := strconv.ParseUint(f[11], 10, 64) // field 14 of the whole line
	stime, _ := strconv.ParseUint(f[12], 10, 64) // field 15
	return hwm, pss, time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// kbField reads "Name:   1234 kB" from a /proc file, in bytes.
func kbField(data []byte, name string) uint64 {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, name); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseUint(f[0], 10, 64)
				return n << 10
			}
		}
	}
	return 0
}

// machineName names the processor and the core count, for the report.
func machineName() string {
	model := ""
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		mem = fmt.Sprintf(", %d GB RAM", kbField(data, "MemTotal:")>>30)
	}
	return strings.TrimSpace(model + mem)
}

// loadAverage is the 1-minute load average, "" when unknown.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
