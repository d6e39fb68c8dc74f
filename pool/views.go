package pool

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Snapshot returns a consistent copy of the pool's state. It costs
// O(workers), whatever the length of the queue.
func (p *Pool) Snapshot() Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	s := Snapshot{
		Taken:         now,
		State:         p.stateLocked(),
		Started:       p.started,
		TargetWorkers: p.target,
		Effective:     p.effectiveLocked(),
		MinWorkers:    p.cfg.MinWorkers,
		MaxWorkers:    p.cfg.MaxWorkers,
		Counts:        p.counts,
		Resources:     p.resources,
		Reason:        p.reason,
		SignIn:        p.signedOutLocked(),
		Holds:         p.holdsLocked(),
		DrainDeadline: p.drainUntil,
	}
	s.Counts.ByStatus = maps.Clone(p.counts.ByStatus)
	s.Counts.QueuedBy = p.queue.byPrio
	if !p.started.IsZero() {
		s.Uptime = now.Sub(p.started)
	}
	s.Workers = make([]WorkerInfo, 0, len(p.workers))
	for _, w := range p.workers {
		s.Workers = append(s.Workers, w.info())
		if w.state != WorkerStopped {
			s.WorkerCount++
		}
	}
	slices.SortFunc(s.Workers, func(a, b WorkerInfo) int { return a.ID - b.ID })
	return s
}

// Tasks returns one window of tasks in display order: running tasks (oldest
// start first), queued tasks in dispatch order, retrying tasks by next try,
// then, with IncludeDone, finished tasks newest first. It costs about
// O((offset+limit)·log) for the first pages of an unfiltered queue.
func (p *Pool) Tasks(q TaskQuery) TaskPage {
	p.mu.Lock()
	defer p.mu.Unlock()
	match := matcher(q.Filter)
	var page TaskPage
	window := func(t *task) {
		if page.Total >= q.Offset && (q.Limit <= 0 || len(page.Tasks) < q.Limit) {
			page.Tasks = append(page.Tasks, t.info())
		}
		page.Total++
	}
	take := func(t *task) {
		if match(t) {
			window(t)
		}
	}
	var all []*task // sorted by a column: every match, ordered at the end in O(n log n)
	if q.Sort != SortDisplay {
		take = func(t *task) {
			if match(t) {
				all = append(all, t)
			}
		}
	}

	running := slices.Collect(maps.Values(p.running))
	slices.SortFunc(running, func(a, b *task) int { return a.started.Compare(b.started) })
	for _, t := range running {
		take(t)
	}

	// The queue: the first pages walk the heap; deep or filtered views
	// use a sorted copy kept until the queue changes. Totals need every
	// match counted, so a filter walks everything either way.
	if q.Filter == "" && q.Sort == SortDisplay && q.Offset+q.Limit <= 4096 && q.Limit > 0 {
		n := 0
		p.queue.walk(func(t *task) bool {
			take(t)
			n++
			return page.Total < q.Offset+q.Limit
		})
		page.Total += p.queue.Len() - n
	} else {
		if p.sorted == nil || p.sortedAt != p.queue.version {
			p.sorted, p.sortedAt = p.queue.sorted(), p.queue.version
		}
		for _, t := range p.sorted {
			take(t)
		}
	}

	retrying := slices.Collect(maps.Values(p.retrying))
	slices.SortFunc(retrying, func(a, b *task) int { return a.nextTry.Compare(b.nextTry) })
	for _, t := range retrying {
		take(t)
	}
	if q.IncludeDone {
		for _, t := range slices.Backward(p.done) {
			take(t)
		}
	}
	if q.Sort != SortDisplay {
		slices.SortStableFunc(all, sortBy(q.Sort))
		for _, t := range all {
			window(t)
		}
	}
	return page
}

// matcher returns a predicate for a case-insensitive filter on the PO
// number, state, priority or final status.
func matcher(filter string) func(*task) bool {
	f := strings.ToLower(strings.TrimSpace(filter))
	if f == "" {
		return func(*task) bool { return true }
	}
	return func(t *task) bool {
		return strings.Contains(t.po, f) ||
			strings.Contains(strings.ToLower(string(t.status())), f) ||
			strings.Contains(t.state.String(), f) ||
			strings.Contains(strings.ToLower(t.priority.String()), f)
	}
}

// sortBy compares two tasks by one column; equal tasks keep display order.
func sortBy(k SortKey) func(a, b *task) int {
	switch k {
	case SortPO:
		return func(a, b *task) int { return strings.Compare(a.po, b.po) }
	case SortPriority:
		return func(a, b *task) int { return int(b.priority - a.priority) }
	case SortState:
		return func(a, b *task) int {
			if c := stateRank(a.state) - stateRank(b.state); c != 0 || a.state != Done {
				return c
			}
			return strings.Compare(string(a.result.Status), string(b.result.Status))
		}
	case SortAttempts:
		return func(a, b *task) int { return b.attempts - a.attempts }
	}
	return func(a, b *task) int { return 0 }
}

// stateRank orders states as the queue shows them: what moves first.
func stateRank(s TaskState) int {
	switch s {
	case Running:
		return 0
	case Retrying:
		return 1
	case Queued:
		return 2
	}
	return 3
}
