package main

import (
	"errors"
	"io"
	"strings"
	"testing"

	"coupatui/config"
)

// TestConfigFlagsOverrideTheFile checks each flag that sets a key wins over
// config.toml, and that the result is validated again.
func TestConfigFlagsOverrideTheFile(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, "[pool]", "worker_count = 2", "min_workers = 2", "max_workers = 3",
		"[coupa]", `base_url = "https://file.example"`)
	f, err := parseFlags("run", []string{"--config", path, "--workers", "6", "--base-url", "https://flag.example/",
		"--headless=false", "--out", dir, "--mouse", "--exit-when-done", "pos.xlsx"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.config()
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Pool
	if p.WorkerCount != (config.Count{N: 6}) || p.MinWorkers != 2 || p.MaxWorkers != 6 {
		t.Errorf("--workers 6: worker_count %v, min %d, max %d; want 6, 2, 6", p.WorkerCount, p.MinWorkers, p.MaxWorkers)
	}
	if cfg.Coupa.BaseURL != "https://flag.example" || p.HeadlessMode || cfg.Downloads.Root != dir ||
		!cfg.UI.Mouse || !cfg.UI.ExitWhenDone {
		t.Errorf("flags not applied: %+v", cfg)
	}
	if cfg.Source != path {
		t.Errorf("Source = %q, want %q", cfg.Source, path)
	}

	// A flag that makes the configuration invalid is named as such.
	f, err = parseFlags("run", []string{"--config", path, "--workers", "65", "pos.xlsx"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.config(); err == nil || !strings.Contains(err.Error(), "pool.worker_count = 65") ||
		!strings.Contains(err.Error(), "after the command-line flags") {
		t.Errorf("--workers 65: %v", err)
	}
	for _, bad := range []string{"0", "-1", "many", "Auto"} {
		if _, err := parseFlags("run", []string{"--workers", bad}, io.Discard); err == nil {
			t.Errorf("--workers %s accepted", bad)
		}
	}
	// --workers auto: the pool finds its worker count within min and max.
	f, err = parseFlags("run", []string{"--config", path, "--workers", "auto", "pos.xlsx"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err = f.config(); err != nil || !cfg.Pool.WorkerCount.Auto || cfg.Pool.MinWorkers != 2 || cfg.Pool.MaxWorkers != 3 {
		t.Errorf("--workers auto: %v, %+v", err, cfg.Pool)
	}
}

// TestConfigRefusesKeysNotYetUsed: a key the file accepts but this version
// does not act on stops the run, naming the key and the file, instead of
// being ignored.
func TestConfigRefusesKeysNotYetUsed(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		lines []string
		key   string
	}{
		{[]string{"[[browser.endpoints]]", `url = "ws://127.0.0.1:9222"`, "slots = 2"}, "browser.endpoints"},
	} {
		path := writeConfig(t, dir, tt.lines...)
		f, err := parseFlags("run", []string{"--config", path, "pos.xlsx"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.config()
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Key != tt.key || ce.File != path || !strings.HasPrefix(err.Error(), path+": "+tt.key+": ") {
			t.Errorf("%s: error %v, want one naming %s in %s", tt.key, err, tt.key, path)
		}
	}
}
