package main

import (
	"slices"
	"strconv"
	"time"

	"coupatui/coupa/sim"
	"coupatui/run"
	"coupatui/vocab"
)

// eventLog is what the child's --json events tell.
type eventLog struct {
	pos     map[string]*poTimes
	status  map[string]vocab.Status
	alive   map[int]bool
	path    []int // live worker counts, in order
	starts  []workerStart
	checked time.Time // when a worker found the session signed in
}

type poTimes struct {
	started  time.Time // its first attempt
	finished time.Time // its outcome
	steps    map[string]float64
}

type workerStart struct {
	worker   int
	po       string
	started  time.Time
	finished *time.Time
}

func newEventLog() *eventLog {
	return &eventLog{pos: map[string]*poTimes{}, status: map[string]vocab.Status{}, alive: map[int]bool{}}
}

func (l *eventLog) add(e run.JSONEvent) {
	p := l.pos[e.PO]
	if e.PO != "" && p == nil {
		p = &poTimes{}
		l.pos[e.PO] = p
	}
	switch e.Event {
	case "task.started":
		if p.started.IsZero() {
			p.started = e.Time
		}
		l.starts = append(l.starts, workerStart{worker: e.Worker, po: e.PO, started: e.Time})
	case "task.finished", "task.cancelled":
		p.finished, p.steps = e.Time, e.Steps
		l.status[e.PO] = e.Status
		for i := len(l.starts) - 1; i >= 0; i-- {
			if s := &l.starts[i]; s.po == e.PO && s.finished == nil {
				t := e.Time
				s.finished = &t
				break
			}
		}
	case "session.checked":
		if l.checked.IsZero() {
			l.checked = e.Time
		}
	case "worker.ready":
		if !l.alive[e.Worker] {
			l.alive[e.Worker] = true
			l.path = append(l.path, len(l.alive))
		}
	case "worker.retired":
		if l.alive[e.Worker] {
			delete(l.alive, e.Worker)
			if len(l.pos) > 0 && len(l.status) < len(l.pos) { // not the shutdown at the end
				l.path = append(l.path, len(l.alive))
			}
		}
	}
}

func (l *eventLog) done() int { return len(l.status) }

// live is the worker count it ended with: the last one of the path.
func (l *eventLog) live() int {
	if len(l.path) == 0 {
		return 0
	}
	return l.path[len(l.path)-1]
}

// workingAt is when each of the first n workers had started its first
// PO (its profile cloned, its browser up) and the session was checked
// (beside the first POs).
func (l *eventLog) workingAt(n int) (time.Time, bool) {
	first := map[int]time.Time{}
	for _, s := range l.starts {
		if _, ok := first[s.worker]; !ok {
			first[s.worker] = s.started
		}
	}
	var ts []time.Time
	for _, t := range first {
		ts = append(ts, t)
	}
	if len(ts) < n || n == 0 {
		return time.Time{}, false
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	if l.checked.IsZero() {
		return time.Time{}, false
	}
	if l.checked.After(ts[n-1]) {
		return l.checked, true
	}
	return ts[n-1], true
}

// gaps are, per worker, the seconds between the end of one PO and the
// start of the next (only where one PO did not overlap the next).
func (l *eventLog) gaps() []float64 {
	var out []float64
	last := map[int]time.Time{}
	for _, s := range l.starts {
		if prev, ok := last[s.worker]; ok && s.started.After(prev) {
			out = append(out, s.started.Sub(prev).Seconds())
		}
		if s.finished != nil {
			last[s.worker] = *s.finished
		}
	}
	return out
}

// lines fills the figures that compare coupatui's times with the
// simulator's own.
func (b *benchRunner) lines(res *benchResult, ev *eventLog, timings []sim.Timing) {
	workers := float64(max(1, res.Settled))
	if res.Workers != "auto" {
		workers, _ = strconv.ParseFloat(res.Workers, 64)
		workers += float64(res.RemoteSlots)
	}
	var page, crit time.Duration
	var over []float64
	steps := map[string][]float64{}
	for _, t := range timings {
		page += t.Page()
		crit += t.CriticalPath()
		p, ok := ev.pos[t.PO]
		if !ok || p.finished.IsZero() || p.started.IsZero() {
			continue
		}
		took := p.finished.Sub(p.started)
		over = append(over, (took - t.CriticalPath()).Seconds())
		steps["server page"] = append(steps["server page"], t.Page().Seconds())
		steps["server slowest file"] = append(steps["server slowest file"], t.SlowestFile().Seconds())
		total := 0.0
		for name, s := range p.steps {
			steps[name] = append(steps[name], s)
			total += s
		}
		steps["sum of steps"] = append(steps["sum of steps"], total)
		steps["pool and journal"] = append(steps["pool and journal"], took.Seconds()-total)
	}
	for _, g := range ev.gaps() {
		steps["between POs"] = append(steps["between POs"], g)
	}
	res.PageLine = page.Seconds() / workers
	res.CriticalLine = crit.Seconds() / workers
	if res.PageLine > 0 {
		res.WallPerPage = res.Wall / res.PageLine
	}
	if res.CriticalLine > 0 {
		res.WallPerCrit = res.Wall / res.CriticalLine
	}
	res.OverMedian, res.OverP95 = quantile(over, 0.5), quantile(over, 0.95)
	res.Steps = map[string]float64{}
	for name, xs := range steps {
		res.Steps[name] = quantile(xs, 0.5)
	}
	res.StepsSum = res.Steps["sum of steps"]
}

func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}
