package config

import (
	"fmt"
	"net/url"
)

// Limits the pool can honour on any machine.
const (
	MaxWorkerLimit    = 64 // workers, whatever the config asks
	MaxRetryLimit     = 100
	MaxDownloadsPerPO = 16
)

// rule returns "" when the key's value is acceptable, else what is wanted.
type rule func(c *Config) string

// rules holds the checks of every key that has one, beyond its type.
// Durations without a rule must be more than zero; TestEveryNumberHasARule
// keeps numbers from being left unchecked.
var rules = map[string]rule{
	"coupa.base_url": func(c *Config) string {
		if c.Coupa.BaseURL == "" || isURL(c.Coupa.BaseURL, "http", "https") {
			return ""
		}
		return `must be "" or an absolute http(s) URL like "https://acme.coupahost.com"`
	},
	"coupa.saved_pages_max": func(c *Config) string { return intBetween(c.Coupa.SavedPagesMax, 1, 1_000_000) },
	"pool.worker_count": func(c *Config) string {
		return intBetween(c.Pool.WorkerCount, 1, MaxWorkerLimit)
	},
	"pool.memory_threshold": func(c *Config) string { return ratio(c.Pool.MemoryThreshold) },
	"pool.max_profile_size_mb": func(c *Config) string {
		return atLeastZero(c.Pool.MaxProfileSizeMB, "no cap")
	},
	"pool.min_workers": func(c *Config) string {
		if c.Pool.MinWorkers < 1 || c.Pool.MinWorkers > c.Pool.WorkerCount {
			return fmt.Sprintf("must be between 1 and pool.worker_count (%d)", c.Pool.WorkerCount)
		}
		return ""
	},
	"pool.max_workers": func(c *Config) string {
		if c.Pool.MaxWorkers < c.Pool.WorkerCount || c.Pool.MaxWorkers > MaxWorkerLimit {
			return fmt.Sprintf("must be between pool.worker_count (%d) and %d", c.Pool.WorkerCount, MaxWorkerLimit)
		}
		return ""
	},
	"pool.max_retries": func(c *Config) string { return intBetween(c.Pool.MaxRetries, 0, MaxRetryLimit) },
	"pool.recycle_after_tasks": func(c *Config) string {
		return atLeastZero(c.Pool.RecycleAfterTasks, "never")
	},
	"pool.retry_backoff_max": func(c *Config) string {
		return notShorter(c.Pool.RetryBackoffMax, c.Pool.RetryBackoff, "pool.retry_backoff")
	},
	"pool.restart_backoff_max": func(c *Config) string {
		return notShorter(c.Pool.RestartBackoffMax, c.Pool.RestartBackoff, "pool.restart_backoff")
	},
	"pool.health_timeout": func(c *Config) string {
		if c.Pool.HealthTimeout.Duration <= 0 || c.Pool.HealthTimeout.Duration > c.Pool.HealthInterval.Duration {
			return fmt.Sprintf("must be more than 0 and at most pool.health_interval (%s)", c.Pool.HealthInterval)
		}
		return ""
	},
	"browser.remote": func(c *Config) string {
		if c.Browser.Remote == "" || isURL(c.Browser.Remote, "ws", "wss") {
			return ""
		}
		return `must be "" or a DevTools websocket URL like "ws://127.0.0.1:9222/devtools/browser/<id>"`
	},
	"browser.downloads_per_po": func(c *Config) string {
		return intBetween(c.Browser.DownloadsPerPO, 1, MaxDownloadsPerPO)
	},
	"downloads.layout": func(c *Config) string {
		switch c.Downloads.Layout {
		case LayoutSupplier, LayoutFlat:
			return ""
		}
		return fmt.Sprintf("must be %q or %q", LayoutSupplier, LayoutFlat)
	},
	"monitor.memory_critical": func(c *Config) string {
		x := c.Monitor.MemoryCritical
		if !(x > c.Pool.MemoryThreshold && x <= 1) {
			return fmt.Sprintf("must be more than pool.memory_threshold (%g) and at most 1", c.Pool.MemoryThreshold)
		}
		return ""
	},
	"monitor.max_browser_mb": func(c *Config) string { return atLeastZero(c.Monitor.MaxBrowserMB, "no cap") },
	"monitor.pressure_window": func(c *Config) string {
		return notShorter(c.Monitor.PressureWindow, c.Monitor.SampleInterval, "monitor.sample_interval")
	},
	"monitor.recover_window": func(c *Config) string {
		return notShorter(c.Monitor.RecoverWindow, c.Monitor.SampleInterval, "monitor.sample_interval")
	},
}

// Validate checks every key, in the order config.toml lists them, and
// returns the first problem as an *Error naming c.Source and the key. Call
// it again after changing fields (from flags, say).
func (c Config) Validate() error {
	for _, f := range schema() {
		want := ""
		if r, ok := rules[f.name()]; ok {
			want = r(&c)
		} else if f.kind == kindDuration && f.value(&c).Interface().(Duration).Duration <= 0 {
			want = "must be more than 0"
		}
		if want != "" {
			return valueError(c.Source, f, formatValue(f.value(&c)), want)
		}
	}
	return nil
}

func intBetween(v, lo, hi int) string {
	if v < lo || v > hi {
		return fmt.Sprintf("must be between %d and %d", lo, hi)
	}
	return ""
}

func atLeastZero(v int, zeroMeans string) string {
	if v < 0 {
		return fmt.Sprintf("must be 0 (%s) or more", zeroMeans)
	}
	return ""
}

// ratio accepts (0, 1]; NaN fails both comparisons.
func ratio(x float64) string {
	if !(x > 0 && x <= 1) {
		return "must be more than 0 and at most 1"
	}
	return ""
}

// notShorter wants d > 0 and d >= floor, the value of the key floorKey.
func notShorter(d, floor Duration, floorKey string) string {
	if d.Duration <= 0 || d.Duration < floor.Duration {
		return fmt.Sprintf("must be at least %s (%s) and more than 0", floorKey, floor)
	}
	return ""
}

// isURL reports whether s is an absolute URL with one of the schemes and a host.
func isURL(s string, schemes ...string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return false
	}
	for _, sc := range schemes {
		if u.Scheme == sc {
			return true
		}
	}
	return false
}
