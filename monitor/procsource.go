package monitor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// procInfo is one process as the process table showed it.
type procInfo struct {
	ppid  int
	start uint64  // when it started, in its procSource's start-clock units
	cpu   float64 // CPU seconds used so far, user + system
	rss   uint64  // resident bytes; 0 when the source cannot tell
}

// procTable maps pid to what a read of the process table saw of it.
type procTable map[int]procInfo

// procSource reads the process table. Implementations are not safe for
// concurrent use; the treeSampler that owns one serialises it.
type procSource interface {
	// scanAll fills into with every process on the machine.
	scanAll(ctx context.Context, into procTable) error
	// read reads one process; an error means it is gone (or unreadable).
	read(ctx context.Context, pid int) (procInfo, error)
	// startClock is now, in the unit of procInfo.start, so a process can be
	// told to have started after a given sample.
	startClock() (uint64, error)
}

// newProcSource reads procRoot directly when it is a Linux procfs (one small
// read per process) and falls back to gopsutil elsewhere.
func newProcSource(procRoot string) procSource {
	if exists(filepath.Join(procRoot, "self", "stat")) {
		return &procfsSource{root: procRoot, buf: make([]byte, 4096)}
	}
	return gopsutilSource{}
}

// procfsSource reads /proc/<pid>/stat. Start times are clock ticks since
// boot, and its start clock is /proc/uptime in the same ticks.
type procfsSource struct {
	root string
	buf  []byte // reused for every read
}

func (ps *procfsSource) scanAll(_ context.Context, into procTable) error {
	dir, err := os.Open(ps.root)
	if err != nil {
		return fmt.Errorf("listing processes in %s: %w", ps.root, err)
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return fmt.Errorf("listing processes in %s: %w", ps.root, err)
	}
	for _, name := range names {
		if name == "" || name[0] < '0' || name[0] > '9' {
			continue
		}
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		if info, err := ps.readName(name); err == nil {
			into[pid] = info
		} // else it exited since the listing
	}
	return nil
}

func (ps *procfsSource) read(_ context.Context, pid int) (procInfo, error) {
	return ps.readName(strconv.Itoa(pid))
}

func (ps *procfsSource) readName(pid string) (procInfo, error) {
	n, err := readSmall(filepath.Join(ps.root, pid, "stat"), ps.buf)
	if err != nil {
		return procInfo{}, err
	}
	st, err := parseStat(ps.buf[:n])
	if err != nil {
		return procInfo{}, fmt.Errorf("process %s: %w", pid, err)
	}
	return procInfo{
		ppid:  st.ppid,
		start: st.start,
		cpu:   float64(st.utime+st.stime) / float64(clockTicks()),
		rss:   st.rssPages * uint64(os.Getpagesize()),
	}, nil
}

// startClock reads the seconds since boot from /proc/uptime, in clock ticks.
func (ps *procfsSource) startClock() (uint64, error) {
	path := filepath.Join(ps.root, "uptime")
	n, err := readSmall(path, ps.buf)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	line := ps.buf[:n]
	if i := bytes.IndexByte(line, ' '); i >= 0 {
		line = line[:i]
	}
	secs, err := strconv.ParseFloat(string(bytes.TrimSpace(line)), 64)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	return uint64(secs * float64(clockTicks())), nil
}

// statFields are the fields of /proc/<pid>/stat the monitor uses.
type statFields struct {
	ppid         int
	utime, stime uint64 // clock ticks
	start        uint64 // clock ticks after boot
	rssPages     uint64
}

// parseStat reads a /proc/<pid>/stat line. The command name (field 2) is in
// parentheses and may itself hold spaces and parentheses, so fields are
// counted from the last ')'. Field numbers are man 5 proc's, 1-based.
func parseStat(line []byte) (statFields, error) {
	end := bytes.LastIndexByte(line, ')')
	if end < 0 {
		return statFields{}, fmt.Errorf("stat line %.40q: no command name", line)
	}
	var st statFields
	var ppid uint64
	const lastField = 24
	field := 3 // state, the first field after ')'
	rest := line[end+1:]
	for field <= lastField {
		rest = bytes.TrimLeft(rest, " \n")
		if len(rest) == 0 {
			return statFields{}, fmt.Errorf("stat line %.40q: ends at field %d", line, field)
		}
		i := bytes.IndexAny(rest, " \n")
		if i < 0 {
			i = len(rest)
		}
		var dst *uint64
		switch field {
		case 4:
			dst = &ppid
		case 14:
			dst = &st.utime
		case 15:
			dst = &st.stime
		case 22:
			dst = &st.start
		case 24:
			dst = &st.rssPages
		}
		if dst != nil {
			v, ok := parseDecimal(rest[:i])
			if !ok {
				return statFields{}, fmt.Errorf("stat line %.40q: field %d is %q", line, field, rest[:i])
			}
			*dst = v
		}
		rest = rest[i:]
		field++
	}
	st.ppid = int(ppid)
	return st, nil
}

// parseDecimal parses an unsigned decimal without allocating.
func parseDecimal(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

// gopsutilSource is the portable process table: slower (several calls per
// process), used only where there is no procfs. Start times are
// milliseconds since the epoch.
type gopsutilSource struct{}

func (gopsutilSource) scanAll(ctx context.Context, into procTable) error {
	pids, err := process.PidsWithContext(ctx)
	if err != nil {
		return fmt.Errorf("listing processes: %w", err)
	}
	for _, pid := range pids {
		if info, err := (gopsutilSource{}).read(ctx, int(pid)); err == nil {
			into[int(pid)] = info
		} // else exited, or not ours to read
	}
	return nil
}

func (gopsutilSource) read(ctx context.Context, pid int) (procInfo, error) {
	p, err := process.NewProcessWithContext(ctx, int32(pid))
	if err != nil {
		return procInfo{}, fmt.Errorf("process %d: %w", pid, err)
	}
	ppid, err := p.PpidWithContext(ctx)
	if err != nil {
		return procInfo{}, fmt.Errorf("parent of process %d: %w", pid, err)
	}
	info := procInfo{ppid: int(ppid)}
	if created, err := p.CreateTimeWithContext(ctx); err == nil {
		info.start = uint64(created)
	}
	if t, err := p.TimesWithContext(ctx); err == nil {
		info.cpu = t.User + t.System
	}
	return info, nil
}

func (gopsutilSource) startClock() (uint64, error) {
	return uint64(time.Now().UnixMilli()), nil
}

// descendants returns root and every process below it, root first.
// children is the parent → children index of one table.
func descendants(root int, children map[int][]int) []int {
	out := []int{root}
	seen := map[int]bool{root: true} // a table read while pids are reused could hold a loop
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i]] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// childIndex maps each pid to its children.
func childIndex(table procTable) map[int][]int {
	idx := make(map[int][]int, len(table))
	for pid, info := range table {
		if info.ppid != pid {
			idx[info.ppid] = append(idx[info.ppid], pid)
		}
	}
	return idx
}
