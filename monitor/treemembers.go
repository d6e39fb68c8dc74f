package monitor

import (
	"context"
	"maps"
	"time"
)

// procKey names one process life: a pid and its start time, so a reused pid
// is a new process.
type procKey struct {
	pid   int
	start uint64
}

// treeMember is one process of a tree during a sample.
type treeMember struct {
	key  procKey
	info procInfo
}

// readMembers reads only the processes known to be in the trees. It reports
// false, and a full rescan is due, when the last rescan is too old, the
// trees asked for changed, or a member exited or was replaced.
func (ts *treeSampler) readMembers(ctx context.Context, trees map[int]int, now time.Time) bool {
	if ts.lastRescan.IsZero() || now.Sub(ts.lastRescan) >= ts.cfg.rescan || !maps.Equal(trees, ts.roots) {
		return false
	}
	clear(ts.cur)
	for _, keys := range ts.members {
		for _, k := range keys {
			info, err := ts.src.read(ctx, k.pid)
			if err != nil || info.start != k.start {
				return false
			}
			ts.cur[k.pid] = info
		}
	}
	return true
}

// rescanAll reads the whole process table and works out each tree's members.
func (ts *treeSampler) rescanAll(ctx context.Context, trees map[int]int, now time.Time) error {
	clear(ts.cur)
	if err := ts.src.scanAll(ctx, ts.cur); err != nil {
		return err
	}
	ts.lastRescan = now
	ts.roots = maps.Clone(trees)
	old := ts.members
	ts.members = make(map[int][]procKey, len(trees))
	children := childIndex(ts.cur)
	for id, root := range trees {
		if _, ok := ts.cur[root]; !ok {
			continue // gone: left out until a later rescan finds it
		}
		pids := descendants(root, children)
		keys := make([]procKey, len(pids))
		for i, pid := range pids {
			keys[i] = procKey{pid, ts.cur[pid].start}
		}
		ts.members[id] = keys
		if !sameMembers(old[id], keys) {
			ts.expire(keys)
		}
	}
	return nil
}

// sameMembers reports whether a and b hold the same processes, in any order.
func sameMembers(a, b []procKey) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[procKey]bool, len(a))
	for _, k := range a {
		in[k] = true
	}
	for _, k := range b {
		if !in[k] {
			return false
		}
	}
	return true
}

// live pairs each member with this sample's reading, leaving out any that
// are gone or whose pid now names another process.
func (ts *treeSampler) live(keys []procKey) []treeMember {
	out := make([]treeMember, 0, len(keys))
	for _, k := range keys {
		if info, ok := ts.cur[k.pid]; ok && info.start == k.start {
			out = append(out, treeMember{k, info})
		}
	}
	return out
}
