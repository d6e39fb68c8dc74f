package pool

import "time"

// How many workers run: the effective count, and starting or retiring
// workers to match it.

// effectiveLocked is how many workers the pool should run now: the
// operator's target, bounded by the memory policy.
func (p *Pool) effectiveLocked() int {
	return max(p.cfg.MinWorkers, min(p.targetWorkers, p.policy.ceiling, p.cfg.MaxWorkers))
}

// rebalanceLocked starts or retires workers until the live count matches
// the effective count. Idle workers retire first, then the newest busy ones.
func (p *Pool) rebalanceLocked() {
	if p.draining {
		return
	}
	want := p.effectiveLocked()
	var live []*worker // local workers: remote slots are fixed
	for _, w := range p.workers {
		if w.state != WorkerStopped && !w.retire && w.endpoint == 0 {
			live = append(live, w)
		}
	}
	for n := len(live); n < want; n++ {
		p.spawnLocked(0)
	}
	for n := len(live); n > want; n-- {
		w := pickRetiree(live)
		live = without(live, w)
		w.retire = true
		w.state, w.since = WorkerRetiring, time.Now()
	}
	p.broadcastLocked()
}

// pickRetiree prefers a worker with no task, then the newest.
func pickRetiree(ws []*worker) *worker {
	best := ws[0]
	for _, w := range ws[1:] {
		idle, bestIdle := len(w.tasks) == 0, len(best.tasks) == 0
		if idle && !bestIdle || idle == bestIdle && w.id > best.id {
			best = w
		}
	}
	return best
}

// without takes w out of ws, in place.
func without(ws []*worker, w *worker) []*worker {
	for i := range ws {
		if ws[i] == w {
			return append(ws[:i], ws[i+1:]...)
		}
	}
	return ws
}

// spawnRemoteLocked starts one worker per slot of every endpoint, once.
func (p *Pool) spawnRemoteLocked() {
	for i, e := range p.cfg.Endpoints {
		for range e.Slots {
			p.spawnLocked(i + 1)
		}
	}
}

func (p *Pool) spawnLocked(endpoint int) {
	p.nextWorker++
	w := &worker{id: p.nextWorker, endpoint: endpoint, state: WorkerStarting, since: time.Now()}
	p.workers[w.id] = w
	p.emitWorkerLocked(EvWorkerStarting, w, "")
	p.wg.Add(1)
	go p.runWorker(w)
}
