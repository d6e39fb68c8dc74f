package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"coupatui/vocab"
)

// Limits the pool can honour on any machine.
const (
	MaxWorkerLimit    = 64 // workers, whatever the config asks
	MaxRetryLimit     = 100
	MaxDownloadsPerPO = 16
	MaxPipelineDepth  = 4 // POs one worker holds: past that, one browser's CPU is the limit
	// MaxRequestsPerSecond bounds [coupa] max_requests_per_second: more is
	// no cap a site would notice.
	MaxRequestsPerSecond = 1000
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
	"coupa.max_requests_per_second": func(c *Config) string {
		if x := c.Coupa.MaxRequestsPerSecond; !(x >= 0 && x <= MaxRequestsPerSecond) {
			return fmt.Sprintf("must be 0 (no cap) or more, at most %d", MaxRequestsPerSecond)
		}
		return ""
	},
	"coupa.saved_pages_max": func(c *Config) string { return intBetween(c.Coupa.SavedPagesMax, 1, 1_000_000) },
	"pool.worker_count": func(c *Config) string {
		if c.Pool.WorkerCount.Auto {
			return ""
		}
		floor := 1
		if len(c.Browser.Endpoints) > 0 || c.Browser.Remote != "" {
			floor = 0 // remote browsers may do all the work
		}
		if want := intBetween(c.Pool.WorkerCount.N, floor, MaxWorkerLimit); want != "" {
			return want + `, or "auto"`
		}
		return ""
	},
	"pool.memory_threshold": func(c *Config) string { return ratio(c.Pool.MemoryThreshold) },
	"pool.max_profile_size_mb": func(c *Config) string {
		return atLeastZero(c.Pool.MaxProfileSizeMB, "no cap")
	},
	// With worker_count = "auto" the pool moves between min_workers and
	// max_workers, so those two must leave it room.
	"pool.min_workers": func(c *Config) string {
		top, topKey := c.Pool.WorkerCount.N, "pool.worker_count"
		if c.Pool.WorkerCount.Auto {
			top, topKey = c.Pool.MaxWorkers, "pool.max_workers"
		}
		floor := 1
		if len(c.Browser.Endpoints) > 0 || c.Browser.Remote != "" {
			floor = 0
		}
		if c.Pool.MinWorkers < floor || c.Pool.MinWorkers > top {
			return fmt.Sprintf("must be between %d and %s (%d)", floor, topKey, top)
		}
		return ""
	},
	"pool.max_workers": func(c *Config) string {
		floor, floorKey := c.Pool.WorkerCount.N, "pool.worker_count"
		if c.Pool.WorkerCount.Auto {
			floor, floorKey = c.Pool.MinWorkers, "pool.min_workers"
		}
		if c.Pool.MaxWorkers < floor || c.Pool.MaxWorkers > MaxWorkerLimit {
			return fmt.Sprintf("must be between %s (%d) and %d", floorKey, floor, MaxWorkerLimit)
		}
		return ""
	},
	"pool.auto_max_cpu":   func(c *Config) string { return ratio(c.Pool.AutoMaxCPU) },
	"pool.pipeline_depth": func(c *Config) string { return intBetween(c.Pool.PipelineDepth, 1, MaxPipelineDepth) },
	"pool.max_retries":    func(c *Config) string { return intBetween(c.Pool.MaxRetries, 0, MaxRetryLimit) },
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
		if c.Browser.Remote == "" || isURL(c.Browser.Remote, "ws", "wss") || isHostPort(c.Browser.Remote, "http", "https") {
			return ""
		}
		return `must be "" or a DevTools address: "ws://host:port/...", "wss://..." or "http(s)://host:port" (better: a [[browser.endpoints]] block)`
	},
	"browser.downloads_per_po": func(c *Config) string {
		return intBetween(c.Browser.DownloadsPerPO, 1, MaxDownloadsPerPO)
	},
	"browser.max_file_mb": func(c *Config) string { return atLeastZero(c.Browser.MaxFileMB, "no limit") },
	"downloads.layout": func(c *Config) string {
		switch c.Downloads.Layout {
		case vocab.LayoutSupplier, vocab.LayoutFlat:
			return ""
		}
		return fmt.Sprintf("must be %q or %q", vocab.LayoutSupplier, vocab.LayoutFlat)
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
	"monitor.listen": func(c *Config) string {
		if c.Monitor.Listen == "" {
			return ""
		}
		if _, port, err := net.SplitHostPort(c.Monitor.Listen); err != nil || port == "" {
			return `must be "" (off) or host:port, like "127.0.0.1:9464"`
		}
		return ""
	},
	"monitor.listen_token": func(c *Config) string {
		t := c.Monitor.ListenToken
		if t != "" && (len(t) < MinListenToken || strings.ContainsAny(t, " \t\r\n")) {
			return fmt.Sprintf("must be \"\" or %d or more characters without spaces (e.g. from `openssl rand -hex 16`)", MinListenToken)
		}
		return ""
	},
}

// MinListenToken is the shortest [monitor] listen_token taken.
const MinListenToken = 16

// itemRules holds the checks of the keys inside arrays of tables, one item
// at a time: each sees only its own value. (String lists without a rule in
// rules must hold no blank string.)
var itemRules = map[string]func(v any) string{
	"browser.endpoints[].url": func(v any) string {
		if isURL(v.(string), "ws", "wss") || isHostPort(v.(string), "http", "https") {
			return ""
		}
		return `must be a DevTools address: "ws://host:port/...", "wss://..." or "http(s)://host:port"`
	},
	"browser.endpoints[].slots": func(v any) string {
		if v.(int) < 1 {
			return "must be 1 or more"
		}
		return ""
	},
}

// Validate checks every key, in the order config.toml lists them, and
// returns the first problem as an *Error naming c.Source and the key. Call
// it again after changing fields (from flags, say).
func (c Config) Validate() error {
	for x := range values(&c) {
		want := ""
		switch r, ir := rules[x.f.name], itemRules[x.f.name]; {
		case r != nil:
			want = r(&c)
		case ir != nil:
			want = ir(x.v.Interface())
		case x.f.kind == kindDuration && x.v.Interface().(Duration).Duration <= 0:
			want = "must be more than 0"
		case x.f.kind == kindStrings:
			for i, s := range x.v.Interface().([]string) {
				if strings.TrimSpace(s) == "" {
					return valueError(c.Source, fmt.Sprintf("%s[%d]", x.name, i), strconv.Quote(s), "must not be blank")
				}
			}
		}
		if want != "" {
			return valueError(c.Source, x.name, shown(x), want)
		}
	}
	return nil
}

// shown writes a key's value for a message. URLs of browsers lose their
// credentials, query and fragment: tokens travel there, and are never shown.
func shown(x value) string {
	switch x.f.name {
	case "browser.remote", "browser.endpoints[].url":
		return strconv.Quote(withoutSecrets(x.v.String()))
	case "monitor.listen_token":
		return `"…"` // never shown
	}
	return formatValue(x.v)
}

// withoutSecrets returns raw without user info, query and fragment.
func withoutSecrets(raw string) string {
	u, err := url.Parse(raw)
	if err != nil { // show it up to what may hold a secret
		if i := strings.IndexAny(raw, "@?#"); i >= 0 {
			return raw[:i] + "…"
		}
		return raw
	}
	hidden := u.User != nil || u.RawQuery != "" || u.Fragment != ""
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	if hidden {
		return u.String() + "?…"
	}
	return u.String()
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

// isHostPort reports whether s is scheme://host:port with one of the
// schemes and nothing after the port but an optional "/" and a query (a
// token, which /json/version and the websocket address it names both get).
func isHostPort(s string, schemes ...string) bool {
	u, err := url.Parse(s)
	return err == nil && isURL(s, schemes...) && u.Port() != "" && (u.Path == "" || u.Path == "/") && u.Fragment == ""
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
