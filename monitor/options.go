package monitor

import (
	"log/slog"
	"time"
)

// Defaults for Options fields left zero; the names in parentheses are the
// config.toml keys that set them.
const (
	DefaultInterval   = time.Second      // sample_interval
	DefaultThreshold  = 0.75             // memory_threshold
	DefaultCritical   = 0.90             // memory_critical
	DefaultWindow     = 5 * time.Second  // pressure_window
	DefaultHistory    = 10 * time.Minute // ring length
	MinHistory        = 5 * time.Minute  // the ring never holds less
	maxHistorySamples = 1 << 16          // cap on ring slots whatever Interval is
)

// Options configures a Monitor. Zero fields take the defaults above.
type Options struct {
	Interval  time.Duration // between samples in Run; default 1s
	Threshold float64       // elevated above this used ratio (memory_threshold, 0.75)
	Critical  float64       // critical above this (memory_critical, 0.90)
	Margin    float64       // a state or callback comes down only below its level minus this (0.03)
	Window    time.Duration // a level must hold this long before the state changes (pressure_window, 5s; negative: at once)
	History   time.Duration // ring length, at least 5 min (default 10 min)
	Sampler   Sampler       // nil = NewSystemSampler with default options; tests inject a fake
	Now       func() time.Time
	Logger    *slog.Logger
}

// normalised returns opts with defaults filled in and impossible values
// replaced by defaults, logging each replacement.
func (opts Options) normalised() Options {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Threshold == 0 {
		opts.Threshold = DefaultThreshold
	}
	if opts.Critical == 0 {
		opts.Critical = DefaultCritical
	}
	if opts.Threshold <= 0 || opts.Threshold >= 1 || opts.Critical <= opts.Threshold || opts.Critical > 1 {
		opts.Logger.Warn("monitor: memory levels out of order, using defaults",
			"threshold", opts.Threshold, "critical", opts.Critical)
		opts.Threshold, opts.Critical = DefaultThreshold, DefaultCritical
	}
	if opts.Margin <= 0 || opts.Margin >= opts.Threshold {
		opts.Margin = DefaultMargin
	}
	if opts.Window < 0 {
		opts.Window = 0
	} else if opts.Window == 0 {
		opts.Window = DefaultWindow
	}
	if opts.History == 0 {
		opts.History = DefaultHistory
	}
	if opts.History < MinHistory {
		opts.History = MinHistory
	}
	if opts.Sampler == nil {
		opts.Sampler = NewSystemSampler(SamplerOptions{Logger: opts.Logger})
	}
	return opts
}

// historySlots is how many samples hold History at Interval, plus the one
// that closes the span.
func (opts Options) historySlots() int {
	n := int(opts.History/opts.Interval) + 1
	return min(n, maxHistorySamples)
}
