package pool

import (
	"fmt"
	"time"
)

// Config holds the pool's settings; main fills it from config.toml and flags.
// The names follow the seed's PoolConfig.
type Config struct {
	WorkerCount       int           // target workers at start (worker_count)
	MinWorkers        int           // floor for scaling and memory policy
	MaxWorkers        int           // ceiling for scaling
	TaskTimeout       time.Duration // one attempt of one task
	MaxRetries        int           // extra attempts after a transient failure
	RetryBackoff      time.Duration // first retry delay; doubles per attempt
	RetryBackoffMax   time.Duration
	RestartBackoff    time.Duration // first browser restart delay; doubles per consecutive failure
	RestartBackoffMax time.Duration
	RecycleAfterTasks int           // restart a browser after this many tasks (0 = never)
	StartupTimeout    time.Duration // worker_startup_timeout: Start waits at most this long
	HealthInterval    time.Duration // how often every browser is pinged
	HealthTimeout     time.Duration // how long one ping may take
	Policy            PolicyConfig  // memory-pressure policy
}

// DefaultConfig returns the documented defaults of config.toml.
func DefaultConfig() Config {
	return Config{
		WorkerCount:       4,
		MinWorkers:        1,
		MaxWorkers:        8,
		TaskTimeout:       5 * time.Minute,
		MaxRetries:        3,
		RetryBackoff:      2 * time.Second,
		RetryBackoffMax:   time.Minute,
		RestartBackoff:    time.Second,
		RestartBackoffMax: 30 * time.Second,
		RecycleAfterTasks: 100,
		StartupTimeout:    30 * time.Second,
		HealthInterval:    5 * time.Second,
		HealthTimeout:     3 * time.Second,
		Policy:            DefaultPolicyConfig(),
	}
}

func (c Config) validate() error {
	switch {
	case c.MinWorkers < 1:
		return fmt.Errorf("pool: min_workers %d: must be at least 1", c.MinWorkers)
	case c.MaxWorkers < c.MinWorkers:
		return fmt.Errorf("pool: max_workers %d is below min_workers %d", c.MaxWorkers, c.MinWorkers)
	case c.WorkerCount < c.MinWorkers || c.WorkerCount > c.MaxWorkers:
		return fmt.Errorf("pool: worker_count %d: must be between min_workers %d and max_workers %d",
			c.WorkerCount, c.MinWorkers, c.MaxWorkers)
	case c.TaskTimeout <= 0, c.StartupTimeout <= 0,
		c.HealthInterval <= 0, c.HealthTimeout <= 0:
		return fmt.Errorf("pool: timeouts and intervals must be positive")
	case c.MaxRetries < 0:
		return fmt.Errorf("pool: max_retries %d: must not be negative", c.MaxRetries)
	}
	return nil
}

// backoff returns base·2^(n-1) capped at max, for n ≥ 1.
func backoff(base, max time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}
