// Package config owns coupatui's settings: the config.toml schema, its
// built-in defaults, where the file is looked for, and validation. Every
// error it returns is one line naming the file and the key at fault and
// saying what is wanted.
package config

import (
	"time"

	"coupatui/vocab"
)

// Config is the whole of coupatui's configuration. Its zero value is not
// useful; start from Default or Load.
type Config struct {
	Coupa     Coupa     `toml:"coupa"`
	Pool      Pool      `toml:"pool"`
	Browser   Browser   `toml:"browser"`
	Downloads Downloads `toml:"downloads"`
	Monitor   Monitor   `toml:"monitor"`
	UI        UI        `toml:"ui"`
	Store     Store     `toml:"store"`

	// Source is the file the configuration was loaded from, "" when it is
	// the built-in defaults. Errors name it.
	Source string `toml:"-"`
}

// Coupa is the site coupatui talks to.
type Coupa struct {
	BaseURL       string   `toml:"base_url"`       // e.g. https://acme.coupahost.com; "" = --base-url is required
	PageTimeout   Duration `toml:"page_timeout"`   // navigation plus page ready
	MarkerTimeout Duration `toml:"marker_timeout"` // upper bound waiting for attachment markers
	LoginTimeout  Duration `toml:"login_timeout"`  // how long `coupatui login` waits for a sign-in
	// MaxRequestsPerSecond caps page loads plus coupatui's own file
	// requests to the site, across the pool; 0 = no cap.
	MaxRequestsPerSecond float64 `toml:"max_requests_per_second"`

	NoSectionMeansEmpty bool `toml:"no_section_means_empty"` // a PO page with no attachments section has none (else UNRECOGNISED)
	SavedPagesMax       int  `toml:"saved_pages_max"`        // pages of UNRECOGNISED POs (and --save-pages) kept in the state folder

	Selectors Selectors `toml:"selectors"`
}

// Selectors are CSS selectors a tenant's pages need beyond the built-in
// ones, in [coupa.selectors]. Each list is empty by default.
type Selectors struct {
	Attachments []string `toml:"attachments"` // attachment links or buttons
	Supplier    []string `toml:"supplier"`    // the supplier's name
	Error       []string `toml:"error"`       // a not-found or no-access message
	Empty       []string `toml:"empty"`       // the text of an empty attachment list
}

// Pool is the browser pool. The first eight keys keep the names of the
// pool configuration operators knew before coupatui (worker_count,
// headless_mode, ...): their scripts and habits carry over.
type Pool struct {
	WorkerCount              Count    `toml:"worker_count"` // a number, or "auto"
	HeadlessMode             bool     `toml:"headless_mode"`
	BaseProfilePath          string   `toml:"base_profile_path"` // "" = ProfilePath()
	MemoryThreshold          float64  `toml:"memory_threshold"`  // ratio of memory used where the pool stops growing
	ShutdownTimeout          Duration `toml:"shutdown_timeout"`
	WorkerStartupTimeout     Duration `toml:"worker_startup_timeout"`
	ProfileCleanupOnShutdown bool     `toml:"profile_cleanup_on_shutdown"`
	MaxProfileSizeMB         int      `toml:"max_profile_size_mb"` // 0 = no cap

	MinWorkers        int      `toml:"min_workers"`
	MaxWorkers        int      `toml:"max_workers"`
	AutoMaxCPU        float64  `toml:"auto_max_cpu"`   // worker_count = "auto" adds no worker at or above this ratio of CPU used
	PipelineDepth     int      `toml:"pipeline_depth"` // POs one worker holds at once: the next one's page loads while the last one's files download; 1 = one at a time
	TaskTimeout       Duration `toml:"task_timeout"`
	MaxRetries        int      `toml:"max_retries"`         // 0 = no retries
	RecycleAfterTasks int      `toml:"recycle_after_tasks"` // 0 = never recycle on task count
	RetryBackoff      Duration `toml:"retry_backoff"`
	RetryBackoffMax   Duration `toml:"retry_backoff_max"`
	RestartBackoff    Duration `toml:"restart_backoff"`
	RestartBackoffMax Duration `toml:"restart_backoff_max"`
	HealthInterval    Duration `toml:"health_interval"`
	HealthTimeout     Duration `toml:"health_timeout"`
}

// Browser is how one browser is started and used.
type Browser struct {
	ExecPath        string   `toml:"exec_path"` // "" = find Chrome, Chromium or Edge
	BlockResources  bool     `toml:"block_resources"`
	Remote          string   `toml:"remote"`           // ws:// URL of a running browser; "" = launch
	DownloadsPerPO  int      `toml:"downloads_per_po"` // files fetched in parallel for one PO
	DownloadTimeout Duration `toml:"download_timeout"`
	MaxFileMB       int      `toml:"max_file_mb"` // a larger file is stopped and reported; 0 = no limit

	Endpoints []Endpoint `toml:"endpoints"` // browsers running elsewhere, [[browser.endpoints]]; none by default
}

// Endpoint is one browser running elsewhere that workers connect to.
type Endpoint struct {
	URL   string `toml:"url"`   // ws://, wss:// or http(s)://host:port
	Slots int    `toml:"slots"` // POs it works on at once
}

// Downloads is where files go.
type Downloads struct {
	Root       string `toml:"root"`   // "" = DownloadRoot(input)
	Layout     string `toml:"layout"` // vocab.LayoutSupplier or vocab.LayoutFlat; hierarchy columns override
	PRFallback bool   `toml:"pr_fallback"`
	EmailToPDF bool   `toml:"email_to_pdf"` // each .msg/.eml downloaded gets a PDF beside it
}

// Monitor is memory sampling and the pressure policy.
type Monitor struct {
	SampleInterval  Duration `toml:"sample_interval"`
	MemoryCritical  float64  `toml:"memory_critical"` // ratio of memory used that is critical
	MaxBrowserMB    int      `toml:"max_browser_mb"`  // recycle a browser above this; 0 = no cap
	PauseOnCritical bool     `toml:"pause_on_critical"`
	PressureWindow  Duration `toml:"pressure_window"` // a level must hold this long before the state changes
	RecoverWindow   Duration `toml:"recover_window"`  // low pressure this long before returning to the target

	Listen      string `toml:"listen"`       // host:port of /metrics and /status; "" = off
	ListenToken string `toml:"listen_token"` // bearer token the endpoint wants; required beyond loopback
}

// UI is the console.
type UI struct {
	Mouse        bool   `toml:"mouse"`
	ExitWhenDone bool   `toml:"exit_when_done"`
	LogFile      string `toml:"log_file"` // "" = LogPath()
}

// Store is the journal.
type Store struct {
	Journal string `toml:"journal"` // "" = JournalPath()
}

// Default returns the built-in configuration, the one source of every
// default: the root config.toml holds the same values (a test keeps the two
// equal), and the pool takes its settings from here (pool.ConfigFrom).
func Default() Config {
	return Config{
		Coupa: Coupa{
			PageTimeout:   dur(60 * time.Second),
			MarkerTimeout: dur(15 * time.Second),
			LoginTimeout:  dur(10 * time.Minute),
			SavedPagesMax: 200,
		},
		Pool: Pool{
			WorkerCount:              Count{N: 4},
			HeadlessMode:             true,
			MemoryThreshold:          0.75,
			ShutdownTimeout:          dur(120 * time.Second),
			WorkerStartupTimeout:     dur(30 * time.Second),
			ProfileCleanupOnShutdown: true,
			MaxProfileSizeMB:         100,
			MinWorkers:               1,
			MaxWorkers:               8,
			AutoMaxCPU:               0.90,
			PipelineDepth:            2,
			TaskTimeout:              dur(5 * time.Minute),
			MaxRetries:               3,
			RecycleAfterTasks:        100,
			RetryBackoff:             dur(2 * time.Second),
			RetryBackoffMax:          dur(time.Minute),
			RestartBackoff:           dur(time.Second),
			RestartBackoffMax:        dur(30 * time.Second),
			HealthInterval:           dur(5 * time.Second),
			HealthTimeout:            dur(3 * time.Second),
		},
		Browser: Browser{
			BlockResources:  true,
			DownloadsPerPO:  3,
			DownloadTimeout: dur(10 * time.Minute),
			MaxFileMB:       2048,
		},
		Downloads: Downloads{
			Layout:     vocab.LayoutSupplier,
			PRFallback: true,
			EmailToPDF: true,
		},
		Monitor: Monitor{
			SampleInterval: dur(time.Second),
			MemoryCritical: 0.90,
			MaxBrowserMB:   1500,
			PressureWindow: dur(5 * time.Second),
			RecoverWindow:  dur(30 * time.Second),
		},
	}
}

func dur(d time.Duration) Duration { return Duration{d} }
