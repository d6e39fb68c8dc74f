package pool

import (
	"fmt"
	"time"

	"coupatui/browser"
	"coupatui/config"
)

// Config holds the pool's settings, named after their config.toml keys
// (docs/ARCHITECTURE.md "Configuration"). The pool has no defaults of its
// own: ConfigFrom fills a Config from the configuration, whose
// config.Default is the one source of every default.
type Config struct {
	WorkerCount          int           // target workers at start (worker_count)
	MinWorkers           int           // floor for scaling and memory policy
	MaxWorkers           int           // ceiling for scaling
	TaskTimeout          time.Duration // one attempt of one task
	MaxRetries           int           // extra attempts after a transient failure
	RetryBackoff         time.Duration // first retry delay; doubles per attempt
	RetryBackoffMax      time.Duration
	RestartBackoff       time.Duration // first browser restart delay; doubles per consecutive failure
	RestartBackoffMax    time.Duration
	RecycleAfterTasks    int           // restart a browser after this many tasks (0 = never)
	PipelineDepth        int           // tasks one worker holds at once: it takes the next once every one it holds has read its page (1 = one at a time)
	WorkerStartupTimeout time.Duration // worker_startup_timeout: Start waits at most this long
	HealthInterval       time.Duration // how often every browser is pinged
	HealthTimeout        time.Duration // how long one ping may take
	Policy               PolicyConfig  // memory-pressure policy
	// Endpoints are browsers running elsewhere: each slot is one more
	// worker, fixed for the run (scaling, autoscale and the memory policy
	// act on the local workers only).
	Endpoints []Endpoint
}

// Endpoint is one remote browser service as the pool sees it.
type Endpoint struct {
	Name  string // what may be shown: host:port, never a token
	Slots int
}

// remoteSlots counts the workers of every endpoint.
func (c Config) remoteSlots() int {
	n := 0
	for _, e := range c.Endpoints {
		n += e.Slots
	}
	return n
}

// autoStart is where worker_count = "auto" starts; the policy adds
// workers from there while each one pays.
const autoStart = 2

// ConfigFrom maps the configuration (config.toml and flags) to the pool's
// settings. It is the one mapping: main runs the pool with it, and the
// pool's tests start from ConfigFrom(config.Default()).
//
// worker_count = "auto" starts autoStart workers (within min_workers and
// max_workers) and lets the policy find the worker count that pays.
func ConfigFrom(c config.Config) Config {
	workers, auto := c.Pool.WorkerCount.N, c.Pool.WorkerCount.Auto
	if auto {
		workers = min(max(autoStart, c.Pool.MinWorkers), c.Pool.MaxWorkers)
	}
	return Config{
		WorkerCount:          workers,
		MinWorkers:           c.Pool.MinWorkers,
		MaxWorkers:           c.Pool.MaxWorkers,
		TaskTimeout:          c.Pool.TaskTimeout.Duration,
		MaxRetries:           c.Pool.MaxRetries,
		RetryBackoff:         c.Pool.RetryBackoff.Duration,
		RetryBackoffMax:      c.Pool.RetryBackoffMax.Duration,
		RestartBackoff:       c.Pool.RestartBackoff.Duration,
		RestartBackoffMax:    c.Pool.RestartBackoffMax.Duration,
		RecycleAfterTasks:    c.Pool.RecycleAfterTasks,
		PipelineDepth:        c.Pool.PipelineDepth,
		WorkerStartupTimeout: c.Pool.WorkerStartupTimeout.Duration,
		HealthInterval:       c.Pool.HealthInterval.Duration,
		HealthTimeout:        c.Pool.HealthTimeout.Duration,
		Endpoints:            endpointsOf(c.Browser.Endpoints),
		Policy: PolicyConfig{
			Window:          c.Monitor.PressureWindow.Duration,
			RecoverWindow:   c.Monitor.RecoverWindow.Duration,
			PauseOnCritical: c.Monitor.PauseOnCritical,
			Auto:            auto,
			AutoCPU:         c.Pool.AutoMaxCPU * 100,
			MaxBrowserBytes: uint64(c.Monitor.MaxBrowserMB) << 20,
		},
	}
}

// endpointsOf names each endpoint by its host (its URL may hold a token).
func endpointsOf(eps []config.Endpoint) []Endpoint {
	var out []Endpoint
	for _, e := range eps {
		out = append(out, Endpoint{Name: browser.RemoteHost(e.URL), Slots: e.Slots})
	}
	return out
}

func (c Config) validate() error {
	for i, e := range c.Endpoints {
		if e.Slots < 1 {
			return fmt.Errorf("pool: endpoint %d (%s): slots %d: must be at least 1", i+1, e.Name, e.Slots)
		}
	}
	floor := 1
	if len(c.Endpoints) > 0 {
		floor = 0 // remote slots may do all the work
	}
	switch {
	case c.MinWorkers < floor:
		return fmt.Errorf("pool: min_workers %d: must be at least %d", c.MinWorkers, floor)
	case c.MaxWorkers < c.MinWorkers, c.MaxWorkers < 1 && len(c.Endpoints) == 0:
		return fmt.Errorf("pool: max_workers %d is below min_workers %d", c.MaxWorkers, c.MinWorkers)
	case c.WorkerCount < c.MinWorkers || c.WorkerCount > c.MaxWorkers:
		return fmt.Errorf("pool: worker_count %d: must be between min_workers %d and max_workers %d",
			c.WorkerCount, c.MinWorkers, c.MaxWorkers)
	case c.TaskTimeout <= 0, c.WorkerStartupTimeout <= 0,
		c.HealthInterval <= 0, c.HealthTimeout <= 0:
		return fmt.Errorf("pool: timeouts and intervals must be positive")
	case c.PipelineDepth < 1:
		return fmt.Errorf("pool: pipeline_depth %d: must be at least 1", c.PipelineDepth)
	case c.MaxRetries < 0:
		return fmt.Errorf("pool: max_retries %d: must not be negative", c.MaxRetries)
	}
	return nil
}

// jitter spreads a wait d over (d/2, d], u being uniform in [0, 1): tasks
// or browsers that failed together do not come back together.
func jitter(d time.Duration, u float64) time.Duration {
	return d - time.Duration(float64(d)*u/2)
}

// backoff returns base·2^(n-1) capped at max, for n ≥ 1.
func backoff(base, max time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}
