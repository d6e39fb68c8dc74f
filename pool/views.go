package pool

import (
	"container/heap"
	"maps"
	"slices"
	"strings"
	"time"

	"coupatui/vocab"
)

// Snapshot returns a consistent copy of the pool's state. It costs
// O(workers), whatever the length of the queue.
func (p *Pool) Snapshot() Snapshot {
	p.mu.Lock()
	defer p.unlock()
	now := time.Now()
	s := Snapshot{
		Taken:         now,
		State:         p.stateLocked(),
		Started:       p.started,
		TargetWorkers: p.targetWorkers,
		Effective:     p.effectiveLocked(),
		MinWorkers:    p.cfg.MinWorkers,
		MaxWorkers:    p.cfg.MaxWorkers,
		Counts:        p.counts,
		Resources:     p.resources,
		Reason:        p.reason,
		SignIn:        p.signedOutLocked(),
		Holds:         p.holdsLocked(),
		DrainDeadline: p.drainUntil,
		TaskGen:       p.taskGenLocked(),
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
			if w.endpoint == 0 {
				s.LocalWorkers++
			}
		}
	}
	slices.SortFunc(s.Workers, func(a, b WorkerInfo) int { return a.ID - b.ID })
	s.Endpoints = p.endpointsLocked()
	return s
}

// Tasks returns one window of tasks in display order: running tasks (oldest
// start first), queued tasks in dispatch order, retrying tasks by next try,
// then, with IncludeDone, finished tasks newest first; or, with Sort, every
// match ordered by one column. It costs about O((offset+limit)·log) for the
// first pages of an unfiltered queue in display order; sorted by a column,
// O(n) under the pool's lock and the O(n log n) sort outside it.
func (p *Pool) Tasks(q TaskQuery) TaskPage {
	p.mu.Lock()
	defer p.unlock()
	match := matcher(q.Filter)
	page := TaskPage{Gen: p.taskGenLocked()} // a sorted view may change meanwhile: the next look asks again
	take := func(t *task) {
		if !match(t) {
			return
		}
		if page.Total >= q.Offset && (q.Limit <= 0 || len(page.Tasks) < q.Limit) {
			page.Tasks = append(page.Tasks, t.info())
		}
		page.Total++
	}
	var all []sortEntry // sorted by a column: the sort keys of every match
	if q.Sort != SortDisplay {
		all = make([]sortEntry, 0, len(p.running)+p.queue.Len()+len(p.retrying)+len(p.done))
		take = func(t *task) {
			if match(t) {
				all = append(all, sortEntry{t: t, po: t.po, priority: t.priority, state: t.state,
					status: t.status(), attempts: t.attempts, at: len(all)})
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
		// Sorted on the copied keys without the lock, so workers are not
		// held up by a long queue; the window's tasks are read after.
		p.unlock()
		first := all
		if q.Limit > 0 {
			first = firstK(all, q.Offset+q.Limit, sortBy(q.Sort))
		} else {
			slices.SortFunc(all, sortBy(q.Sort))
		}
		p.mu.Lock()
		page.Total = len(all)
		for _, e := range first[min(q.Offset, len(first)):] {
			page.Tasks = append(page.Tasks, e.t.info())
		}
	}
	return page
}

// sortEntry is one task's sort keys, copied under the lock; at is its
// place in display order, which breaks ties.
type sortEntry struct {
	t        *task
	po       string
	priority vocab.Priority
	state    vocab.TaskState
	status   vocab.Status
	attempts int
	at       int
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

// firstK returns the k first entries of all by cmp, in order, in
// O(n log k): a window at the top of a long queue needs no full sort.
func firstK(all []sortEntry, k int, cmp func(a, b sortEntry) int) []sortEntry {
	if k >= len(all) {
		slices.SortFunc(all, cmp)
		return all
	}
	// A max-heap by cmp: the last of the first k is on top.
	h := &sliceHeap[sortEntry]{less: func(a, b sortEntry) bool { return cmp(a, b) > 0 }}
	for _, e := range all {
		switch {
		case len(h.items) < k:
			heap.Push(h, e)
		case cmp(e, h.items[0]) < 0:
			h.items[0] = e
			heap.Fix(h, 0)
		}
	}
	slices.SortFunc(h.items, cmp)
	return h.items
}

// sortBy compares two tasks by one column; equal ones keep display order.
func sortBy(k SortKey) func(a, b sortEntry) int {
	var by func(a, b sortEntry) int
	switch k {
	case SortPO:
		by = func(a, b sortEntry) int { return strings.Compare(a.po, b.po) }
	case SortPriority:
		by = func(a, b sortEntry) int { return int(b.priority - a.priority) }
	case SortState:
		by = func(a, b sortEntry) int {
			if c := stateRank(a.state) - stateRank(b.state); c != 0 || a.state != vocab.TaskDone {
				return c
			}
			return strings.Compare(string(a.status), string(b.status))
		}
	case SortAttempts:
		by = func(a, b sortEntry) int { return b.attempts - a.attempts }
	default:
		by = func(a, b sortEntry) int { return 0 }
	}
	return func(a, b sortEntry) int {
		if c := by(a, b); c != 0 {
			return c
		}
		return a.at - b.at
	}
}

// stateRank orders states as the queue shows them: what moves first.
func stateRank(s vocab.TaskState) int {
	switch s {
	case vocab.TaskRunning:
		return 0
	case vocab.TaskRetrying:
		return 1
	case vocab.TaskQueued:
		return 2
	}
	return 3
}

// endpointsLocked sums the remote workers of each endpoint.
func (p *Pool) endpointsLocked() []EndpointInfo {
	if len(p.cfg.Endpoints) == 0 {
		return nil
	}
	out := make([]EndpointInfo, len(p.cfg.Endpoints))
	for i, e := range p.cfg.Endpoints {
		out[i] = EndpointInfo{Name: e.Name, Slots: e.Slots}
	}
	for _, w := range p.workers {
		if w.endpoint == 0 || w.state == WorkerStopped {
			continue
		}
		e := &out[w.endpoint-1]
		switch {
		case w.b != nil && !isClosed(w.b.Done()):
			e.Connected++
			if len(w.tasks) > 0 {
				e.Busy++
			}
		case w.lastErr != "":
			e.LastError = w.lastErr
		}
	}
	return out
}

// Backlog is how many events the subscriptions hold undelivered. A bulk
// submit queues one per task for each subscriber (100,000 queued POs hold
// ~65 MB until delivered): once Backlog is 0 that memory is garbage.
func (p *Pool) Backlog() int {
	p.mu.Lock()
	defer p.unlock()
	n := 0
	for s := range p.subs {
		n += s.backlog() // p.mu then s.mu, as publish takes them
	}
	return n
}
