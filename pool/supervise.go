package pool

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"coupatui/monitor"
)

// supervise pings every browser each health_interval. A browser that fails
// two checks in a row is hung: it is killed, which wakes its worker to
// re-queue its task and relaunch. Crashes need no ping: Done closes.
func (p *Pool) supervise() {
	defer p.wg.Done()
	tick := time.NewTicker(p.cfg.HealthInterval)
	defer tick.Stop()
	for {
		select {
		case <-p.runCtx.Done():
			return
		case <-tick.C:
		}
		p.mu.Lock()
		draining := p.draining
		targets := make(map[*worker]Browser)
		for _, w := range p.workers {
			if w.b != nil && !isClosed(w.b.Done()) {
				targets[w] = w.b
			}
		}
		p.unlock()
		if draining {
			continue
		}
		var wg sync.WaitGroup
		for w, b := range targets {
			wg.Go(func() { p.check(w, b) })
		}
		wg.Wait()
	}
}

func (p *Pool) check(w *worker, b Browser) {
	ctx, cancel := context.WithTimeout(p.runCtx, p.cfg.HealthTimeout)
	err := b.Ping(ctx)
	cancel()
	p.mu.Lock()
	if w.b != b {
		p.unlock()
		return // relaunched meanwhile
	}
	if err == nil {
		w.pingFails = 0
		p.unlock()
		return
	}
	w.pingFails++
	hung := w.pingFails >= 2
	if hung {
		w.lastErr = "browser stopped answering: " + err.Error()
		p.emitWorkerLocked(EvWorkerCrashed, w, fmt.Sprintf("health check failed twice (%v); killing the browser", err))
		p.logLocked(slog.LevelWarn, "killing hung browser", "worker", w.id, "err", err)
	}
	p.unlock()
	if hung {
		b.Kill()
	}
}

// followSamples applies each resource sample: worker memory figures and the
// memory-pressure policy.
func (p *Pool) followSamples(samples <-chan monitor.Sample, unsubscribe func()) {
	defer p.wg.Done()
	defer unsubscribe()
	for {
		select {
		case <-p.runCtx.Done():
			return
		case s, ok := <-samples:
			if !ok {
				return
			}
			p.applySample(s)
		}
	}
}

func (p *Pool) applySample(s monitor.Sample) {
	p.mu.Lock()
	defer p.unlock()
	var browserBytes uint64
	kind := ""
	for id, tree := range s.Trees {
		if w, ok := p.workers[id]; ok {
			w.mem, w.memKind, w.cpu = tree.Bytes, tree.Kind, tree.CPU
			browserBytes += tree.Bytes
			kind = tree.Kind
		}
	}
	prev := p.resources.Pressure
	p.resources = Resources{
		UsagePercent:   s.UsedRatio * 100,
		AvailableBytes: s.AvailableBytes,
		TotalBytes:     s.TotalBytes,
		CPUPercent:     s.CPUPercent,
		Pressure:       s.Pressure.String(),
		BrowserBytes:   browserBytes,
		MemKind:        kind,
	}
	if prev != "" && prev != p.resources.Pressure {
		p.emitPoolLocked(EvPressureChanged, fmt.Sprintf("memory %s → %s (%.0f%% used)",
			prev, p.resources.Pressure, p.resources.UsagePercent))
	}
	if p.draining || !p.began {
		return
	}
	p.applyPolicyLocked(s)
}
