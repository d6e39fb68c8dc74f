package config

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"coupatui/vocab"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // "" = valid
	}{
		{"defaults", func(c *Config) {}, ""},
		{"base_url https", func(c *Config) { c.Coupa.BaseURL = "https://acme.coupahost.com" }, ""},
		{"base_url http with port and path", func(c *Config) { c.Coupa.BaseURL = "http://127.0.0.1:8080/coupa" }, ""},
		{"base_url without scheme", func(c *Config) { c.Coupa.BaseURL = "acme.coupahost.com" },
			`config: coupa.base_url = "acme.coupahost.com": must be "" or an absolute http(s) URL like "https://acme.coupahost.com"`},
		{"base_url ftp", func(c *Config) { c.Coupa.BaseURL = "ftp://acme.example" },
			`config: coupa.base_url = "ftp://acme.example": must be "" or an absolute http(s) URL like "https://acme.coupahost.com"`},
		{"zero duration", func(c *Config) { c.Coupa.MarkerTimeout = Duration{} },
			`config: coupa.marker_timeout = "0s": must be more than 0`},
		{"worker_count 65", func(c *Config) { c.Pool.WorkerCount = Count{N: 65} },
			`config: pool.worker_count = 65: must be between 1 and 64, or "auto"`},
		{"min_workers above worker_count", func(c *Config) { c.Pool.MinWorkers = 5 },
			"config: pool.min_workers = 5: must be between 1 and pool.worker_count (4)"},
		{"min_workers 0", func(c *Config) { c.Pool.MinWorkers = 0 },
			"config: pool.min_workers = 0: must be between 1 and pool.worker_count (4)"},
		{"max_workers 65", func(c *Config) { c.Pool.MaxWorkers = 65 },
			"config: pool.max_workers = 65: must be between pool.worker_count (4) and 64"},
		{"worker_count auto", func(c *Config) { c.Pool.WorkerCount = Count{Auto: true} }, ""},
		{"worker_count auto, min_workers above max_workers", func(c *Config) {
			c.Pool.WorkerCount, c.Pool.MinWorkers, c.Pool.MaxWorkers = Count{Auto: true}, 9, 8
		}, "config: pool.min_workers = 9: must be between 1 and pool.max_workers (8)"},
		{"worker_count auto, max_workers 65", func(c *Config) { c.Pool.WorkerCount, c.Pool.MaxWorkers = Count{Auto: true}, 65 },
			"config: pool.max_workers = 65: must be between pool.min_workers (1) and 64"},
		{"worker_count auto, min = max", func(c *Config) {
			c.Pool.WorkerCount, c.Pool.MinWorkers, c.Pool.MaxWorkers = Count{Auto: true}, 1, 1
		}, ""},
		{"min = count = max", func(c *Config) { c.Pool.MinWorkers, c.Pool.WorkerCount, c.Pool.MaxWorkers = 3, Count{N: 3}, 3 }, ""},
		{"memory_threshold 0", func(c *Config) { c.Pool.MemoryThreshold = 0 },
			"config: pool.memory_threshold = 0: must be more than 0 and at most 1"},
		{"memory_threshold NaN", func(c *Config) { c.Pool.MemoryThreshold = math.NaN() },
			"config: pool.memory_threshold = nan: must be more than 0 and at most 1"},
		{"memory_critical not above threshold", func(c *Config) { c.Monitor.MemoryCritical = 0.75 },
			"config: monitor.memory_critical = 0.75: must be more than pool.memory_threshold (0.75) and at most 1"},
		{"memory_critical 1.5", func(c *Config) { c.Monitor.MemoryCritical = 1.5 },
			"config: monitor.memory_critical = 1.5: must be more than pool.memory_threshold (0.75) and at most 1"},
		{"memory_critical 1", func(c *Config) { c.Monitor.MemoryCritical = 1 }, ""},
		{"negative profile size", func(c *Config) { c.Pool.MaxProfileSizeMB = -1 },
			"config: pool.max_profile_size_mb = -1: must be 0 (no cap) or more"},
		{"no retries", func(c *Config) { c.Pool.MaxRetries = 0 }, ""},
		{"too many retries", func(c *Config) { c.Pool.MaxRetries = 101 },
			"config: pool.max_retries = 101: must be between 0 and 100"},
		{"negative recycle", func(c *Config) { c.Pool.RecycleAfterTasks = -1 },
			"config: pool.recycle_after_tasks = -1: must be 0 (never) or more"},
		{"retry_backoff_max below retry_backoff", func(c *Config) { c.Pool.RetryBackoffMax = Duration{time.Second} },
			`config: pool.retry_backoff_max = "1s": must be at least pool.retry_backoff (2s) and more than 0`},
		{"restart_backoff_max below restart_backoff", func(c *Config) { c.Pool.RestartBackoff = Duration{time.Hour} },
			`config: pool.restart_backoff_max = "30s": must be at least pool.restart_backoff (1h) and more than 0`},
		{"health_timeout above interval", func(c *Config) { c.Pool.HealthTimeout = Duration{6 * time.Second} },
			`config: pool.health_timeout = "6s": must be more than 0 and at most pool.health_interval (5s)`},
		{"remote ws", func(c *Config) { c.Browser.Remote = "ws://127.0.0.1:9222/devtools/browser/abc" }, ""},
		{"remote http", func(c *Config) { c.Browser.Remote = "http://127.0.0.1:9222" }, ""},
		{"remote token hidden", func(c *Config) { c.Browser.Remote = "ftp://127.0.0.1:9222/?token=s3cret" },
			`config: browser.remote = "ftp://127.0.0.1:9222/?…": must be "" or a DevTools address: "ws://host:port/...", "wss://..." or "http(s)://host:port" (better: a [[browser.endpoints]] block)`},
		{"endpoints of every scheme", func(c *Config) {
			c.Browser.Endpoints = []Endpoint{{"ws://127.0.0.1:9222/devtools/browser/abc", 1}, {"wss://chrome.example.com?token=x", 4},
				{"http://10.0.0.5:9222", 2}, {"https://chrome.example.com:443/", 1},
				{"http://10.0.0.6:3000?token=x", 1}, {"http://10.0.0.7:3000/?token=x&timeout=600000", 1}}
		}, ""},
		{"http endpoint with a path", func(c *Config) { c.Browser.Endpoints = []Endpoint{{"http://10.0.0.5:9222/json/version", 1}} },
			`config: browser.endpoints[0].url = "http://10.0.0.5:9222/json/version": must be a DevTools address: "ws://host:port/...", "wss://..." or "http(s)://host:port"`},
		{"http endpoint with a fragment", func(c *Config) { c.Browser.Endpoints = []Endpoint{{"http://10.0.0.5:9222/#s3cret", 1}} },
			`config: browser.endpoints[0].url = "http://10.0.0.5:9222/?…": must be a DevTools address: "ws://host:port/...", "wss://..." or "http(s)://host:port"`},
		{"endpoint slots 0", func(c *Config) { c.Browser.Endpoints = []Endpoint{{"ws://a:1", 1}, {"ws://b:1", 0}} },
			"config: browser.endpoints[1].slots = 0: must be 1 or more"},
		{"selectors", func(c *Config) {
			c.Coupa.Selectors = Selectors{Attachments: []string{"span.file"}, Empty: []string{"p.none", "td.empty"}}
		}, ""},
		{"blank selector", func(c *Config) { c.Coupa.Selectors.Supplier = []string{""} },
			`config: coupa.selectors.supplier[0] = "": must not be blank`},
		{"auto_max_cpu 0", func(c *Config) { c.Pool.AutoMaxCPU = 0 },
			"config: pool.auto_max_cpu = 0: must be more than 0 and at most 1"},
		{"pipeline_depth 0", func(c *Config) { c.Pool.PipelineDepth = 0 },
			"config: pool.pipeline_depth = 0: must be between 1 and 4"},
		{"downloads_per_po 0", func(c *Config) { c.Browser.DownloadsPerPO = 0 },
			"config: browser.downloads_per_po = 0: must be between 1 and 16"},
		{"layout flat", func(c *Config) { c.Downloads.Layout = vocab.LayoutFlat }, ""},
		{"layout tree", func(c *Config) { c.Downloads.Layout = "tree" },
			`config: downloads.layout = "tree": must be "supplier" or "flat"`},
		{"negative browser cap", func(c *Config) { c.Monitor.MaxBrowserMB = -5 },
			"config: monitor.max_browser_mb = -5: must be 0 (no cap) or more"},
		{"pressure_window below sample_interval", func(c *Config) { c.Monitor.SampleInterval = Duration{10 * time.Second} },
			`config: monitor.pressure_window = "5s": must be at least monitor.sample_interval (10s) and more than 0`},
		{"recover_window 0", func(c *Config) { c.Monitor.RecoverWindow = Duration{} },
			`config: monitor.recover_window = "0s": must be at least monitor.sample_interval (1s) and more than 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Fatalf("Validate() = nil, want %q", tt.want)
			case tt.want != "" && err.Error() != tt.want:
				t.Fatalf("Validate() = %q\nwant         %q", err, tt.want)
			}
		})
	}
}

func TestValidateNamesTheSource(t *testing.T) {
	c := Default()
	c.Source = "/etc/coupatui.toml"
	c.Downloads.Layout = "x"
	var ce *Error
	if err := c.Validate(); !errors.As(err, &ce) || ce.File != c.Source || ce.Key != "downloads.layout" {
		t.Fatalf("Validate() = %#v", err)
	}
}

// TestValidateReportsTheFirstKeyInFileOrder keeps messages stable when
// several keys are wrong.
func TestValidateReportsTheFirstKeyInFileOrder(t *testing.T) {
	c := Default()
	c.Store.Journal = "x"
	c.Monitor.MemoryCritical = 2
	c.Pool.WorkerCount = Count{}
	var ce *Error
	if err := c.Validate(); !errors.As(err, &ce) || ce.Key != "pool.worker_count" {
		t.Fatalf("Validate() = %v, want the pool.worker_count error", err)
	}
}

func TestMonitorListenRules(t *testing.T) {
	for _, c := range []struct {
		listen, token string
		bad           string // the key refused, "" for none
	}{
		{"", "", ""},
		{"127.0.0.1:9464", "", ""},
		{"0.0.0.0:9464", "0123456789abcdef", ""}, // loopback or not is the run's check, with the flag's value
		{"9464", "", "monitor.listen"},
		{"127.0.0.1:", "", "monitor.listen"},
		{"127.0.0.1:9464", "short", "monitor.listen_token"},
		{"127.0.0.1:9464", "0123456789 abcdef", "monitor.listen_token"},
	} {
		cfg := Default()
		cfg.Monitor.Listen, cfg.Monitor.ListenToken = c.listen, c.token
		err := cfg.Validate()
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("listen %q token %q: %v", c.listen, c.token, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("listen %q token %q: %v, want an error naming %s", c.listen, c.token, err, c.bad)
		case err != nil && c.token != "" && strings.Contains(err.Error(), c.token):
			t.Errorf("the token is shown: %v", err)
		}
	}
}
