package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
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
	if cfg.Source != "" || cfg.Pool.WorkerCount.N != 4 {
		t.Fatalf("no files: Source %q, workers %d; want defaults", cfg.Source, cfg.Pool.WorkerCount.N)
	}

	// The user config dir.
	userFile := writeFile(t, filepath.Join(xdg, "coupatui"), "config.toml", "[pool]\nworker_count = 2\n")
	cfg, err = Load("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != userFile || cfg.Pool.WorkerCount.N != 2 {
		t.Fatalf("user file: Source %q, workers %d; want %s, 2", cfg.Source, cfg.Pool.WorkerCount.N, userFile)
	}

	// ./config.toml beats the user config dir.
	writeFile(t, ".", "config.toml", "[pool]\nworker_count = 3\n")
	cfg, err = Load("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != "config.toml" || cfg.Pool.WorkerCount.N != 3 {
		t.Fatalf("./config.toml: Source %q, workers %d; want config.toml, 3", cfg.Source, cfg.Pool.WorkerCount.N)
	}

	// An explicit file beats both.
	explicit := writeFile(t, t.TempDir(), "mine.toml", "[pool]\nworker_count = 5\n")
	cfg, err = Load(explicit)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != explicit || cfg.Pool.WorkerCount.N != 5 {
		t.Fatalf("explicit: Source %q, workers %d; want %s, 5", cfg.Source, cfg.Pool.WorkerCount.N, explicit)
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
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got  %+v\nwant %+v", cfg, want)
	}
}

func TestLoadAcceptsDottedAndInlineKeys(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c.toml", "pool.worker_count = 3\nui = { mouse = true }\n")
	cfg, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Pool.WorkerCount.N != 3 || !cfg.UI.Mouse {
		t.Fatalf("worker_count %d, mouse %v; want 3, true", cfg.Pool.WorkerCount.N, cfg.UI.Mouse)
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
	checkLoadErrors(t, []loadErrorCase{
		{"unknown key", "[pool]\nworkers = 2\n",
			"pool.workers", "unknown key pool.workers (did you mean pool.worker_count?)"},
		{"misspelt key", "[pool]\nmemory_treshold = 0.5\n",
			"pool.memory_treshold", "unknown key pool.memory_treshold (did you mean pool.memory_threshold?)"},
		{"key in the wrong section", "[pool]\nexec_path = \"/x\"\n",
			"pool.exec_path", "unknown key pool.exec_path (it belongs in [browser]: browser.exec_path)"},
		{"key outside any section", "worker_count = 2\n",
			"worker_count", "unknown key worker_count (it belongs in [pool]: pool.worker_count)"},
		{"replaced key", "[monitor]\nautoscale = true\n",
			"monitor.autoscale", `unknown key monitor.autoscale (replaced by pool.worker_count = "auto", which finds the best worker count itself)`},
		{"unknown section", "[brwser]\nremote = \"\"\n",
			"brwser", "unknown section [brwser] (did you mean [browser]?)"},
		{"unknown key with no suggestion", "[ui]\ncolour = \"red\"\n",
			"ui.colour", "unknown key ui.colour"},
		{"nested table under a key", "[pool.extra]\nx = 1\n",
			"pool.extra", "unknown key pool.extra"},
		{"bad value", "[pool]\nworker_count = 0\n",
			"pool.worker_count", `pool.worker_count = 0: must be between 1 and 64, or "auto"`},
		{"bad value relative to another key", "[pool]\nworker_count = 2\nmax_workers = 1\n",
			"pool.max_workers", "pool.max_workers = 1: must be between pool.worker_count (2) and 64"},
		{"bad type", "[pool]\nmax_workers = \"four\"\n",
			"pool.max_workers", `pool.max_workers = "four": want a whole number`},
		{"float for an integer", "[pool]\nmax_workers = 2.5\n",
			"pool.max_workers", `pool.max_workers = 2.5: want a whole number`},
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
		{"table under a key", "[pool]\nmax_workers.x = 1\n",
			"pool.max_workers", "pool.max_workers = {...}: want a whole number"},
		{"dotted key of the wrong type", "pool.max_workers = \"x\"\n",
			"pool.max_workers", `pool.max_workers = "x": want a whole number`},
		{"inline table key of the wrong type", "pool = { headless_mode = 1 }\n",
			"pool.headless_mode", `pool.headless_mode = 1: want true or false`},
		{"section that is not a table", "pool = 3\n",
			"pool", "pool = 3: want a section [pool]"},
		{"array for a value", "[downloads]\nlayout = [\"flat\"]\n",
			"downloads.layout", `downloads.layout = [...]: want a quoted string`},
	})
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
	c.Pool.WorkerCount = Count{N: 65} // as a --workers flag might set it
	err := c.Validate()
	if err == nil || err.Error() != `config: pool.worker_count = 65: must be between 1 and 64, or "auto"` {
		t.Fatalf("error = %v", err)
	}
}

// TestLoadEveryValueShape loads a file using each shape beyond plain
// values: lists, a nested table, an array of tables (both spellings) and a
// number-or-word.
func TestLoadEveryValueShape(t *testing.T) {
	p := writeFile(t, t.TempDir(), "config.toml", `
[coupa]
base_url = "https://acme.coupahost.com"

[coupa.selectors]
attachments = ["span.file", "a.dl"]
empty = ["p.no-files"]

[pool]
worker_count = "auto"

[browser]
downloads_per_po = 2

[[browser.endpoints]]
url = "ws://10.0.0.5:9222/devtools/browser/abc"
slots = 2

[[browser.endpoints]]
url = "http://10.0.0.6:9222"
slots = 1
`)
	cfg, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Source = p
	want.Coupa.BaseURL = "https://acme.coupahost.com"
	want.Coupa.Selectors.Attachments = []string{"span.file", "a.dl"}
	want.Coupa.Selectors.Empty = []string{"p.no-files"}
	want.Pool.WorkerCount = Count{Auto: true}
	want.Browser.DownloadsPerPO = 2
	want.Browser.Endpoints = []Endpoint{
		{URL: "ws://10.0.0.5:9222/devtools/browser/abc", Slots: 2},
		{URL: "http://10.0.0.6:9222", Slots: 1},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got  %+v\nwant %+v", cfg, want)
	}

	// The same, written inline.
	p = writeFile(t, t.TempDir(), "config.toml", `
coupa.selectors = { supplier = [".vendor"] }
pool.worker_count = 6
browser.endpoints = [{ url = "wss://chrome.example.com", slots = 3 }]
`)
	if cfg, err = LoadFile(p); err != nil {
		t.Fatal(err)
	}
	if got := cfg.Coupa.Selectors.Supplier; !reflect.DeepEqual(got, []string{".vendor"}) {
		t.Errorf("supplier = %q", got)
	}
	if cfg.Pool.WorkerCount != (Count{N: 6}) {
		t.Errorf("worker_count = %v, want 6", cfg.Pool.WorkerCount)
	}
	if want := []Endpoint{{URL: "wss://chrome.example.com", Slots: 3}}; !reflect.DeepEqual(cfg.Browser.Endpoints, want) {
		t.Errorf("endpoints = %+v, want %+v", cfg.Browser.Endpoints, want)
	}
}

// TestLoadShapeErrors checks that a misspelt key or a bad value inside each
// shape gets one line naming the file and the key in full.
func TestLoadShapeErrors(t *testing.T) {
	checkLoadErrors(t, []loadErrorCase{
		{"misspelt key in a nested table", "[coupa.selectors]\natachments = [\"a\"]\n",
			"coupa.selectors.atachments", "unknown key coupa.selectors.atachments (did you mean coupa.selectors.attachments?)"},
		{"misspelt nested table", "[coupa.selector]\nattachments = [\"a\"]\n",
			"coupa.selector", "unknown key coupa.selector (did you mean coupa.selectors?)"},
		{"nested key in its parent", "[coupa]\nattachments = [\"a\"]\n",
			"coupa.attachments", "unknown key coupa.attachments (it belongs in [coupa.selectors]: coupa.selectors.attachments)"},
		{"nested table that is not a table", "[coupa]\nselectors = [\"a\"]\n",
			"coupa.selectors", "coupa.selectors = [...]: want a section [coupa.selectors]"},
		{"misspelt key in an array of tables", "[[browser.endpoints]]\nurl = \"ws://a:1\"\nslots = 1\n[[browser.endpoints]]\nurl = \"ws://b:1\"\nslot = 2\n",
			"browser.endpoints[1].slot", "unknown key browser.endpoints[1].slot (did you mean browser.endpoints[1].slots?)"},
		{"misspelt key in an inline array of tables", "[browser]\nendpoints = [{ url = \"ws://a:1\", slots = 1 }, { ur = \"ws://b:1\" }]\n",
			"browser.endpoints[1].ur", "unknown key browser.endpoints[1].ur (did you mean browser.endpoints[1].url?)"},
		{"wrong type in an array of tables", "[[browser.endpoints]]\nurl = \"ws://a:1\"\nslots = \"2\"\n",
			"browser.endpoints[0].slots", `browser.endpoints[0].slots = "2": want a whole number`},
		{"array of tables that is not one", "[browser]\nendpoints = [\"ws://a:1\"]\n",
			"browser.endpoints", "browser.endpoints = [...]: want tables, each headed [[browser.endpoints]]"},
		{"misspelt list key", "[coupa.selectors]\nsuplier = [\".vendor\"]\n",
			"coupa.selectors.suplier", "unknown key coupa.selectors.suplier (did you mean coupa.selectors.supplier?)"},
		{"wrong type in a list", "[coupa.selectors]\nerror = [\".oops\", 3]\n",
			"coupa.selectors.error[1]", "coupa.selectors.error[1] = 3: want a quoted string"},
		{"one string for a list", "[coupa.selectors]\nempty = \".none\"\n",
			"coupa.selectors.empty", `coupa.selectors.empty = ".none": want a list of quoted strings, like ["a", "b"]`},
		{"blank string in a list", "[coupa.selectors]\nattachments = [\"a.dl\", \" \"]\n",
			"coupa.selectors.attachments[1]", `coupa.selectors.attachments[1] = " ": must not be blank`},
		{"a word other than auto", "[pool]\nworker_count = \"many\"\n",
			"pool.worker_count", `pool.worker_count = "many": want a whole number or "auto"`},
		{"auto in capitals", "[pool]\nworker_count = \"Auto\"\n",
			"pool.worker_count", `pool.worker_count = "Auto": want a whole number or "auto"`},
		{"a fraction for a count", "[pool]\nworker_count = 2.5\n",
			"pool.worker_count", `pool.worker_count = 2.5: want a whole number or "auto"`},
		{"auto with min above max", "[pool]\nworker_count = \"auto\"\nmin_workers = 5\nmax_workers = 3\n",
			"pool.min_workers", "pool.min_workers = 5: must be between 1 and pool.max_workers (3)"},
		{"endpoint without a scheme", "[[browser.endpoints]]\nurl = \"10.0.0.5:9222\"\nslots = 1\n",
			"browser.endpoints[0].url", `browser.endpoints[0].url = "10.0.0.5:9222": must be a DevTools address: "ws://host:port/...", "wss://..." or "http(s)://host:port"`},
		{"http endpoint without a port", "[[browser.endpoints]]\nurl = \"http://10.0.0.5\"\nslots = 1\n",
			"browser.endpoints[0].url", `browser.endpoints[0].url = "http://10.0.0.5": must be a DevTools address: "ws://host:port/...", "wss://..." or "http(s)://host:port"`},
		{"endpoint token never shown", "[[browser.endpoints]]\nurl = \"ftp://u:pw@host:1/x?token=s3cret\"\nslots = 1\n",
			"browser.endpoints[0].url", `browser.endpoints[0].url = "ftp://host:1/x?…": must be a DevTools address: "ws://host:port/...", "wss://..." or "http(s)://host:port"`},
		{"endpoint without slots", "[[browser.endpoints]]\nurl = \"ws://10.0.0.5:9222\"\n",
			"browser.endpoints[0].slots", "browser.endpoints[0].slots = 0: must be 1 or more"},
		{"second endpoint's slots", "[[browser.endpoints]]\nurl = \"ws://a:1\"\nslots = 1\n[[browser.endpoints]]\nurl = \"ws://b:1\"\nslots = -1\n",
			"browser.endpoints[1].slots", "browser.endpoints[1].slots = -1: must be 1 or more"},
		{"first error in file order", "[pool]\nworkers = 1\n[coupa.selectors]\natachments = []\n",
			"pool.workers", "unknown key pool.workers (did you mean pool.worker_count?)"},
		{"first error in file order, nested table first", "[coupa.selectors]\natachments = []\n[pool]\nworkers = 1\n",
			"coupa.selectors.atachments", "unknown key coupa.selectors.atachments (did you mean coupa.selectors.attachments?)"},
		{"unparseable URL cut before its secret", "[[browser.endpoints]]\nurl = \"10.0.0.5:9222?token=s3cret\"\nslots = 1\n",
			"browser.endpoints[0].url", `browser.endpoints[0].url = "10.0.0.5:9222…": must be a DevTools address: "ws://host:port/...", "wss://..." or "http(s)://host:port"`},
	})
}

// loadErrorCase is a config file LoadFile refuses, and how.
type loadErrorCase struct {
	name, content string
	key           string // want Error.Key
	want          string // after "<file>: "
}

// checkLoadErrors loads each case's file: the error is an *Error naming the
// file and the key, says what is wanted, and shows no secret.
func checkLoadErrors(t *testing.T, tests []loadErrorCase) {
	t.Helper()
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
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "pw@") {
				t.Errorf("error %q shows a secret", err)
			}
		})
	}
}
