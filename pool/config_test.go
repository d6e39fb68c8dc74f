package pool

import (
	"reflect"
	"testing"
	"time"

	"coupatui/config"
)

// TestConfigFromDefaultsIsValid: the pool accepts what config.Default gives.
func TestConfigFromDefaultsIsValid(t *testing.T) {
	if err := ConfigFrom(config.Default()).validate(); err != nil {
		t.Fatal(err)
	}
}

// TestConfigFromMapsEachKey maps a configuration whose every key the pool
// takes has a value of its own, so a key mapped to the wrong field shows.
func TestConfigFromMapsEachKey(t *testing.T) {
	d := func(s int) config.Duration { return config.Duration{Duration: time.Duration(s) * time.Second} }
	c := config.Default()
	c.Pool = config.Pool{
		WorkerCount: config.Count{N: 3}, MinWorkers: 2, MaxWorkers: 5, AutoMaxCPU: 0.5, PipelineDepth: 3,
		TaskTimeout: d(11), MaxRetries: 6, RecycleAfterTasks: 7,
		RetryBackoff: d(12), RetryBackoffMax: d(13), RestartBackoff: d(14), RestartBackoffMax: d(15),
		WorkerStartupTimeout: d(16), HealthInterval: d(18), HealthTimeout: d(19),
	}
	c.Monitor.PressureWindow, c.Monitor.RecoverWindow = d(20), d(21)
	c.Monitor.PauseOnCritical, c.Monitor.MaxBrowserMB = true, 300
	c.Browser.Endpoints = []config.Endpoint{{URL: "ws://user:pw@10.0.0.5:3000/?token=secret", Slots: 4}}

	want := Config{
		WorkerCount: 3, MinWorkers: 2, MaxWorkers: 5,
		TaskTimeout: 11 * time.Second, MaxRetries: 6, RecycleAfterTasks: 7, PipelineDepth: 3,
		RetryBackoff: 12 * time.Second, RetryBackoffMax: 13 * time.Second,
		RestartBackoff: 14 * time.Second, RestartBackoffMax: 15 * time.Second,
		WorkerStartupTimeout: 16 * time.Second, // shutdown_timeout is the run's quit controller's, not the pool's
		HealthInterval:       18 * time.Second, HealthTimeout: 19 * time.Second,
		Policy: PolicyConfig{Window: 20 * time.Second, RecoverWindow: 21 * time.Second,
			PauseOnCritical: true, AutoCPU: 50, MaxBrowserBytes: 300 << 20},
		Endpoints: []Endpoint{{Name: "10.0.0.5:3000", Slots: 4}}, // named by host: no token
	}
	got := ConfigFrom(c)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ConfigFrom:\n got %+v\nwant %+v", got, want)
	}
	// A field added to Config and forgotten by ConfigFrom stays zero.
	var zero func(v reflect.Value, name string)
	zero = func(v reflect.Value, name string) {
		for i := range v.NumField() {
			f, n := v.Field(i), name+v.Type().Field(i).Name
			if f.Kind() == reflect.Struct {
				zero(f, n+".")
			} else if f.IsZero() {
				t.Errorf("%s is not set by ConfigFrom", n)
			}
		}
	}
	got.Policy.Auto = true // set only by worker_count = "auto", below
	zero(reflect.ValueOf(got), "")
}

// TestConfigFromAuto: worker_count = "auto" starts at 2 within min_workers
// and max_workers, and finds its worker count itself.
func TestConfigFromAuto(t *testing.T) {
	for _, tt := range []struct{ min, max, want int }{
		{1, 8, 2}, {3, 8, 3}, {1, 1, 1}, {2, 2, 2},
	} {
		c := config.Default()
		c.Pool.WorkerCount, c.Pool.MinWorkers, c.Pool.MaxWorkers = config.Count{Auto: true}, tt.min, tt.max
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		got := ConfigFrom(c)
		if got.WorkerCount != tt.want || !got.Policy.Auto || got.MinWorkers != tt.min || got.MaxWorkers != tt.max {
			t.Errorf("auto within %d..%d: workers %d, auto %v; want %d, true", tt.min, tt.max,
				got.WorkerCount, got.Policy.Auto, tt.want)
		}
		if err := got.validate(); err != nil {
			t.Errorf("auto within %d..%d: %v", tt.min, tt.max, err)
		}
	}
	// A number is kept as it is.
	if got := ConfigFrom(config.Default()); got.WorkerCount != 4 || got.Policy.Auto {
		t.Errorf("worker_count = 4: workers %d, auto %v; want 4, false", got.WorkerCount, got.Policy.Auto)
	}
}
