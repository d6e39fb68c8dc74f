package run

import (
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"coupatui/config"
	"coupatui/internal/testkit"
)

// TestMain runs this test binary as one coupatui run when the chaos test
// starts it as its child (COUPATUI_CHAOS_CHILD=1): the real Run, with the
// real pool, journal and Chromium, on the configuration the test set in
// the environment; the exit code is main's for the End.
func TestMain(m *testing.M) {
	testkit.AsChild("COUPATUI_CHAOS_CHILD", func(string) int { return chaosChild() })
	os.Exit(m.Run())
}

func chaosChild() int {
	d := func(s string) config.Duration { v, _ := time.ParseDuration(s); return config.Duration{Duration: v} }
	cfg := config.Default()
	cfg.Coupa.BaseURL = os.Getenv("CHAOS_BASE_URL")
	cfg.Downloads.Root = os.Getenv("CHAOS_ROOT")
	cfg.Store.Journal = os.Getenv("CHAOS_JOURNAL")
	cfg.UI.LogFile = os.Getenv("CHAOS_LOG")
	cfg.Browser.ExecPath = os.Getenv("CHAOS_BROWSER")
	cfg.Pool.WorkerCount, cfg.Pool.MinWorkers, cfg.Pool.MaxWorkers = config.Count{N: 4}, 1, 4
	cfg.Pool.MaxRetries = 5
	cfg.Pool.RetryBackoff, cfg.Pool.RetryBackoffMax = d("200ms"), d("1s")
	cfg.Pool.RestartBackoff, cfg.Pool.RestartBackoffMax = d("100ms"), d("1s")
	cfg.Pool.HealthInterval, cfg.Pool.HealthTimeout = d("2s"), d("2s")
	cfg.Pool.ShutdownTimeout = d("20s")
	cfg.Pool.MemoryThreshold = 0.99
	cfg.Monitor.MemoryCritical = 0.995
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	end, err := Run(cfg, Options{Input: os.Getenv("CHAOS_INPUT"), NoTUI: true, Signals: sigs,
		Stdout: os.Stdout, Stderr: os.Stderr, demo: true})
	switch {
	case err != nil:
		os.Stderr.WriteString("coupatui: " + err.Error() + "\n")
		return 1
	case end == Finished:
		return 0
	case end == SignInRequired:
		return 3
	case end == DiskFull:
		return 4
	}
	return 130
}
