package main

import (
	"io"
	"slices"
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
	for _, bad := range []string{"-1", "many", "Auto"} { // 0: with --remote only (TestRemoteEndpoints)
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

// TestRemoteEndpoints: --remote [SLOTS@]URL adds to the file's
// [[browser.endpoints]]; --workers 0 is taken only with one; the older
// [browser] remote key is one endpoint that every worker uses; no error
// repeats a token.
func TestRemoteEndpoints(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, "[[browser.endpoints]]", `url = "http://10.0.0.5:9222"`, "slots = 2")
	f, err := parseFlags("run", []string{"--config", path, "--workers", "0",
		"--remote", "3@ws://127.0.0.1:3000/?token=a=b@c", "--remote", "ws://u:p@127.0.0.1:3001", "pos.xlsx"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.config()
	if err != nil {
		t.Fatal(err)
	}
	want := []config.Endpoint{{URL: "http://10.0.0.5:9222", Slots: 2},
		{URL: "ws://127.0.0.1:3000/?token=a=b@c", Slots: 3}, {URL: "ws://u:p@127.0.0.1:3001", Slots: 1}}
	if !slices.Equal(cfg.Browser.Endpoints, want) || cfg.Pool.WorkerCount.N != 0 || cfg.Pool.MinWorkers != 0 {
		t.Errorf("endpoints %+v, workers %v min %d", cfg.Browser.Endpoints, cfg.Pool.WorkerCount, cfg.Pool.MinWorkers)
	}

	if f, err := parseFlags("run", []string{"--workers", "0", "pos.xlsx"}, io.Discard); err != nil {
		t.Fatal(err)
	} else if _, err := f.config(); err == nil || !strings.Contains(err.Error(), "--remote") {
		t.Errorf("--workers 0 without endpoints: %v", err)
	}
	for _, bad := range []string{"0@ws://127.0.0.1:1/?token=s3cret", "127.0.0.1:3000?token=s3cret", "x@ftp://h/?token=s3cret"} {
		_, err := parseFlags("run", []string{"--remote", bad}, io.Discard)
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("--remote %s: %v", bad, err)
		}
	}

	old := writeConfig(t, dir, "[pool]", "worker_count = 3", "[browser]", `remote = "ws://127.0.0.1:9222/devtools/browser/x"`)
	cfg, err = config.Load(old)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Browser.Endpoints) != 1 || cfg.Browser.Endpoints[0].Slots != 3 || cfg.Browser.Remote != "" || cfg.Pool.WorkerCount.N != 0 {
		t.Errorf("browser.remote: %+v, workers %v", cfg.Browser, cfg.Pool.WorkerCount)
	}
}
