package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// writeFile writes content to dir/name, creating dir, and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// isolate points the current folder, $HOME and $XDG_CONFIG_HOME at empty
// temporary folders and returns them.
func isolate(t *testing.T) (cwd, home, xdg string) {
	cwd, home, xdg = t.TempDir(), t.TempDir(), t.TempDir()
	t.Chdir(cwd)
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", xdg)
	return cwd, home, xdg
}

func TestLoadSearchOrder(t *testing.T) {
	_, _, xdg := isolate(t)

	// Nothing anywhere: the defaults.
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != "" || cfg.Pool.WorkerCount != 4 {
		t.Fatalf("no files: Source %q, workers %d; want defaults", cfg.Source, cfg.Pool.WorkerCount)
	}

	// The user config dir.
	userFile := writeFile(t, filepath.Join(xdg, "coupatui"), "config.toml", "[pool]\nworker_count = 2\n")
	cfg, err = Load("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != userFile || cfg.Pool.WorkerCount != 2 {
		t.Fatalf("user file: Source %q, workers %d; want %s, 2", cfg.Source, cfg.Pool.WorkerCount, userFile)
	}

	// ./config.toml beats the user config dir.
	writeFile(t, ".", "config.toml", "[pool]\nworker_count = 3\n")
	cfg, err = Load("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != "config.toml" || cfg.Pool.WorkerCount != 3 {
		t.Fatalf("./config.toml: Source %q, workers %d; want config.toml, 3", cfg.Source, cfg.Pool.WorkerCount)
	}

	// An explicit file beats both.
	explicit := writeFile(t, t.TempDir(), "mine.toml", "[pool]\nworker_count = 5\n")
	cfg, err = Load(explicit)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != explicit || cfg.Pool.WorkerCount != 5 {
		t.Fatalf("explicit: Source %q, workers %d; want %s, 5", cfg.Source, cfg.Pool.WorkerCount, explicit)
	}
}

func TestLoadFallsBackToDotConfig(t *testing.T) {
	_, home, _ := isolate(t)
	t.Setenv("XDG_CONFIG_HOME", "")
	want := writeFile(t, filepath.Join(home, ".config", "coupatui"), "config.toml", "[ui]\nmouse = true\n")
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != want || !cfg.UI.Mouse {
		t.Fatalf("Source %q, mouse %v; want %s, true", cfg.Source, cfg.UI.Mouse, want)
	}
}

func TestLoadMissingExplicitFile(t *testing.T) {
	isolate(t)
	writeFile(t, ".", "config.toml", "") // must not be used instead
	missing := filepath.Join(t.TempDir(), "nope.toml")
	_, err := Load(missing)
	if err == nil {
		t.Fatal("Load of a missing explicit file succeeded")
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
	want := missing + ": cannot read the file: no such file or directory"
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
}

func TestLoadFolderInSearchPath(t *testing.T) {
	isolate(t)
	if err := os.Mkdir("config.toml", 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Load("")
	if err == nil || err.Error() != "config.toml: is a folder, want a file" {
		t.Fatalf("error = %v", err)
	}
}

func TestLoadKeepsDefaultsForAbsentKeys(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c.toml", `
[coupa]
base_url = "https://acme.coupahost.com"
page_timeout = "90s"
[monitor]
memory_critical = 1     # an integer is a fine ratio
`)
	cfg, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Source = p
	want.Coupa.BaseURL = "https://acme.coupahost.com"
	want.Coupa.PageTimeout = Duration{90 * time.Second}
	want.Monitor.MemoryCritical = 1
	if cfg != want {
		t.Fatalf("got  %+v\nwant %+v", cfg, want)
	}
}

func TestLoadAcceptsDottedAndInlineKeys(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c.toml", "pool.worker_count = 3\nui = { mouse = true }\n")
	cfg, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Pool.WorkerCount != 3 || !cfg.UI.Mouse {
		t.Fatalf("worker_count %d, mouse %v; want 3, true", cfg.Pool.WorkerCount, cfg.UI.Mouse)
	}
}

func TestLoadExpandsHome(t *testing.T) {
	_, home, _ := isolate(t)
	p := writeFile(t, t.TempDir(), "c.toml", "[downloads]\nroot = \"~/po files\"\n[store]\njournal = \"~\"\n[browser]\nexec_path = \"chromium\"\n")
	cfg, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, "po files"); cfg.Downloads.Root != want {
		t.Errorf("downloads.root = %q, want %q", cfg.Downloads.Root, want)
	}
	if cfg.Store.Journal != home {
		t.Errorf("store.journal = %q, want %q", cfg.Store.Journal, home)
	}
	if cfg.Browser.ExecPath != "chromium" {
		t.Errorf("browser.exec_path = %q, want it untouched", cfg.Browser.ExecPath)
	}
}

// TestLoadErrors checks each kind of error is one line naming the file
// and the key, and saying what is wanted.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, content string
		key           string // want Error.Key
		want          string // after "<file>: "
	}{
		{"unknown key", "[pool]\nworkers = 2\n",
			"pool.workers", "unknown key pool.workers (did you mean pool.worker_count?)"},
		{"misspelt key", "[pool]\nmemory_treshold = 0.5\n",
			"pool.memory_treshold", "unknown key pool.memory_treshold (did you mean pool.memory_threshold?)"},
		{"key in the wrong section", "[pool]\nexec_path = \"/x\"\n",
			"pool.exec_path", "unknown key pool.exec_path (it belongs in [browser]: browser.exec_path)"},
		{"key outside any section", "worker_count = 2\n",
			"worker_count", "unknown key worker_count (it belongs in [pool]: pool.worker_count)"},
		{"unknown section", "[brwser]\nremote = \"\"\n",
			"brwser", "unknown section [brwser] (did you mean [browser]?)"},
		{"unknown key with no suggestion", "[ui]\ncolour = \"red\"\n",
			"ui.colour", "unknown key ui.colour"},
		{"nested table under a key", "[pool.extra]\nx = 1\n",
			"pool.extra", "unknown key pool.extra"},
		{"bad value", "[pool]\nworker_count = 0\n",
			"pool.worker_count", "pool.worker_count = 0: must be between 1 and 64"},
		{"bad value relative to another key", "[pool]\nworker_count = 2\nmax_workers = 1\n",
			"pool.max_workers", "pool.max_workers = 1: must be between pool.worker_count (2) and 64"},
		{"bad type", "[pool]\nworker_count = \"four\"\n",
			"pool.worker_count", `pool.worker_count = "four": want a whole number`},
		{"float for an integer", "[pool]\nworker_count = 2.5\n",
			"pool.worker_count", `pool.worker_count = 2.5: want a whole number`},
		{"string for a bool", "[pool]\nheadless_mode = \"yes\"\n",
			"pool.headless_mode", `pool.headless_mode = "yes": want true or false`},
		{"number for a string", "[coupa]\nbase_url = 8080\n",
			"coupa.base_url", `coupa.base_url = 8080: want a quoted string`},
		{"bad duration", "[pool]\ntask_timeout = \"5 minutes\"\n",
			"pool.task_timeout", `pool.task_timeout = "5 minutes": want a duration like "30s", "5m" or "1h30m"`},
		{"number for a duration", "[pool]\ntask_timeout = 300\n",
			"pool.task_timeout", `pool.task_timeout = 300: want a duration like "30s", "5m" or "1h30m"`},
		{"negative duration", "[coupa]\npage_timeout = \"-1s\"\n",
			"coupa.page_timeout", `coupa.page_timeout = "-1s": must be more than 0`},
		{"table under a key", "[pool]\nworker_count.x = 1\n",
			"pool.worker_count", "pool.worker_count = {...}: want a whole number"},
		{"dotted key of the wrong type", "pool.worker_count = \"x\"\n",
			"pool.worker_count", `pool.worker_count = "x": want a whole number`},
		{"inline table key of the wrong type", "pool = { headless_mode = 1 }\n",
			"pool.headless_mode", `pool.headless_mode = 1: want true or false`},
		{"section that is not a table", "pool = 3\n",
			"pool", "pool = 3: want a section [pool]"},
		{"array for a value", "[downloads]\nlayout = [\"flat\"]\n",
			"downloads.layout", `downloads.layout = [...]: want a quoted string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "config.toml", tt.content)
			_, err := LoadFile(p)
			if err == nil {
				t.Fatal("LoadFile succeeded")
			}
			if got, want := err.Error(), p+": "+tt.want; got != want {
				t.Errorf("error = %q\nwant    %q", got, want)
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Key != tt.key || ce.File != p {
				t.Errorf("error %#v: want *Error with Key %q and File %q", err, tt.key, p)
			}
		})
	}
}

func TestLoadSyntaxErrorNamesLineAndColumn(t *testing.T) {
	p := writeFile(t, t.TempDir(), "config.toml", "[pool]\nworker_count = 4\nheadless_mode = = true\n")
	_, err := LoadFile(p)
	if err == nil {
		t.Fatal("LoadFile succeeded")
	}
	var ce *Error
	if !errors.As(err, &ce) || ce.Line != 3 || ce.Col < 1 {
		t.Fatalf("error %#v: want line 3 and a column", err)
	}
	re := regexp.MustCompile("^" + regexp.QuoteMeta(p) + `:3:\d+: syntax error: .+`)
	if !re.MatchString(err.Error()) {
		t.Errorf("error %q does not match %s", err, re)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q spans several lines", err)
	}
}

func TestValidateWithoutSourceNamesConfig(t *testing.T) {
	c := Default()
	c.Pool.WorkerCount = 65 // as a --workers flag might set it
	err := c.Validate()
	if err == nil || err.Error() != "config: pool.worker_count = 65: must be between 1 and 64" {
		t.Fatalf("error = %v", err)
	}
}
