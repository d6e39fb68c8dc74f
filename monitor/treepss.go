package monitor

import (
	"context"
	"slices"
	"time"
)

// pssEntry is the last PSS reading of one process and the RSS it had then.
type pssEntry struct {
	bytes   uint64
	rssAt   uint64
	readAt  time.Time
	seenSeq uint64 // last sample the process was in a tracked tree
}

// cachedMember is a tree process whose PSS comes from the cache.
type cachedMember struct {
	treeMember
	entry   *pssEntry
	drifted bool
}

// measureMembers takes the memory readings this sample needs: first
// readings of new processes, and the due re-reads. kinds holds how each
// process was measured (absent: it exited before its reading); direct holds
// the readings that are not cached PSS.
func (ts *treeSampler) measureMembers(ctx context.Context, now time.Time) (kinds map[procKey]string, direct map[procKey]uint64) {
	kinds = make(map[procKey]string)
	direct = make(map[procKey]uint64)
	var due []cachedMember
	elapsed := now.Sub(ts.prevAt).Seconds()
	for _, keys := range ts.members {
		for _, m := range ts.live(keys) {
			if _, done := kinds[m.key]; done {
				continue
			}
			e := ts.pss[m.key]
			if e == nil {
				ts.measure(ctx, m, now, direct, kinds)
				continue
			}
			e.seenSeq = ts.seq
			kinds[m.key] = KindPSS
			drifted := absDiff(m.info.rss, e.rssAt) >= pssDrift
			if ts.cfg.refresh > 0 && (drifted || now.Sub(e.readAt) >= ts.maxAge(m, elapsed)) {
				due = append(due, cachedMember{m, e, drifted})
			}
		}
	}
	ts.renew(ctx, due, now)
	return kinds, direct
}

// maxAge is how old m's PSS reading may grow: longer while m is idle (it
// used less than quietCPU over the elapsed seconds since the previous
// sample).
func (ts *treeSampler) maxAge(m treeMember, elapsed float64) time.Duration {
	if ts.cfg.idleMaxAge <= ts.cfg.maxAge || !ts.havePrev || elapsed <= 0 {
		return ts.cfg.maxAge
	}
	if p, ok := ts.prev[m.key.pid]; !ok || p.start != m.info.start || (m.info.cpu-p.cpu)/elapsed*100 >= quietCPU {
		return ts.cfg.maxAge
	}
	return ts.cfg.idleMaxAge
}

// measure reads one process's memory now, caching it when it is PSS.
func (ts *treeSampler) measure(ctx context.Context, m treeMember, now time.Time, direct map[procKey]uint64, kinds map[procKey]string) {
	n, kind, err := ts.readMem(ctx, m.key.pid)
	if err != nil {
		return // exited since its stat reading
	}
	kinds[m.key] = kind
	if kind == KindPSS && ts.cfg.refresh >= 0 {
		ts.pss[m.key] = &pssEntry{bytes: n, rssAt: m.info.rss, readAt: now, seenSeq: ts.seq}
		return
	}
	direct[m.key] = n
}

// renew re-reads up to cfg.refresh of the due PSS readings: processes whose
// RSS drifted first, then the oldest readings.
func (ts *treeSampler) renew(ctx context.Context, due []cachedMember, now time.Time) {
	slices.SortFunc(due, func(a, b cachedMember) int {
		if a.drifted != b.drifted {
			if a.drifted {
				return -1
			}
			return 1
		}
		return a.entry.readAt.Compare(b.entry.readAt)
	})
	for _, c := range due[:min(max(ts.cfg.refresh, 0), len(due))] {
		n, kind, err := ts.readMem(ctx, c.key.pid)
		if err != nil || kind != KindPSS {
			continue // gone: the cached figure stands for this last sample
		}
		*c.entry = pssEntry{bytes: n, rssAt: c.info.rss, readAt: now, seenSeq: ts.seq}
	}
}

// expire makes every cached PSS reading of keys due. When a process joins
// or leaves a tree, the pages it shares with the others are split among a
// different number of processes: their PSS changes though their RSS does
// not.
func (ts *treeSampler) expire(keys []procKey) {
	for _, k := range keys {
		if e := ts.pss[k]; e != nil {
			e.readAt = time.Time{}
		}
	}
}

// estimate is the cached PSS moved by the RSS change since it was read,
// kept within 0..rss.
func (e *pssEntry) estimate(rss uint64) uint64 {
	if rss == 0 || e.rssAt == 0 {
		return e.bytes
	}
	est := int64(e.bytes) + int64(rss) - int64(e.rssAt)
	return uint64(min(max(est, 0), int64(rss)))
}

func absDiff(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return b - a
}

// weaker returns the less exact of two memory measures.
func weaker(a, b string) string {
	rank := func(k string) int {
		switch k {
		case KindPSS:
			return 0
		case KindUSS:
			return 1
		}
		return 2
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}
