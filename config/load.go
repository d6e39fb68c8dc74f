package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// FileName is the name config.toml goes by in every folder searched.
const FileName = "config.toml"

// Load finds and loads the configuration. The first of these wins:
//   - explicit, when not "" (it must exist);
//   - ./config.toml;
//   - config.toml in coupatui's folder of the user config dir
//     ($XDG_CONFIG_HOME/coupatui, else ~/.config/coupatui on Linux);
//   - the built-in defaults (Source "").
func Load(explicit string) (Config, error) {
	if explicit != "" {
		return LoadFile(explicit)
	}
	for _, p := range SearchPaths() {
		st, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return Config{}, readError(p, err)
		case st.IsDir():
			return Config{}, &Error{File: p, Msg: "is a folder, want a file"}
		}
		return LoadFile(p)
	}
	return Default(), nil
}

// SearchPaths lists, in order, where Load looks when no file is given.
func SearchPaths() []string {
	paths := []string{FileName}
	if dir, err := os.UserConfigDir(); err == nil {
		paths = append(paths, filepath.Join(dir, appName, FileName))
	}
	return paths
}

// LoadFile loads one file: keys it leaves out keep their defaults, unknown
// keys and bad values are errors. A leading "~/" in a path key is the home
// folder.
func LoadFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, readError(path, err)
	}
	return parse(path, data)
}

// readError names the file and the system's reason, without repeating the path.
func readError(path string, err error) *Error {
	reason := err.Error()
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		reason = pe.Err.Error()
	}
	return &Error{File: path, Msg: "cannot read the file: " + reason, Err: err}
}

// parse decodes data read from file into a validated Config.
func parse(file string, data []byte) (Config, error) {
	// First pass into plain maps: syntax errors, then value types, each
	// reported with the key and what it wants.
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		if pe, ok := errors.AsType[toml.ParseError](err); ok {
			return Config{}, &Error{File: file, Line: pe.Position.Line, Col: pe.Position.Col,
				Msg: "syntax error: " + pe.Message, Err: err}
		}
		return Config{}, &Error{File: file, Msg: err.Error(), Err: err}
	}
	if err := checkTypes(file, md.Keys(), raw); err != nil {
		return Config{}, err
	}

	// Second pass into the struct, over the defaults so that absent keys
	// keep them; whatever the struct has no field for is unknown.
	cfg := Default()
	md, err = toml.Decode(string(data), &cfg)
	if err != nil {
		return Config{}, &Error{File: file, Msg: err.Error(), Err: err}
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		k := undecoded[0]
		return Config{}, unknownKeyError(file, k, md.Type(k...) == "Hash")
	}
	cfg.Source = file
	if err := cfg.expandHome(); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// checkTypes reports the first known key, in file order, whose TOML value
// has the wrong type. Unknown keys are left to Undecoded. A key may appear
// only inside a longer one ("worker_count.x = 1"), so prefixes are checked.
func checkTypes(file string, keys []toml.Key, raw map[string]any) error {
	checked := map[string]bool{}
	for _, k := range keys {
		if !isSection(k[0]) {
			continue
		}
		sec, ok := raw[k[0]].(map[string]any)
		if !ok {
			return &Error{File: file, Key: k[0],
				Msg: fmt.Sprintf("%s = %s: want a section [%s]", k[0], formatRaw(raw[k[0]]), k[0])}
		}
		if len(k) < 2 {
			continue
		}
		f, ok := lookup(k[0], k[1])
		if !ok || checked[f.name()] {
			continue
		}
		checked[f.name()] = true
		v := sec[k[1]]
		if want := checkValue(f.kind, v); want != "" {
			return valueError(file, f, formatRaw(v), want)
		}
	}
	return nil
}

// checkValue returns what the key wants when v does not fit kind, else "".
func checkValue(k kind, v any) string {
	const maxExactFloatInt = 1 << 53
	ok := false
	switch x := v.(type) {
	case string:
		switch k {
		case kindString:
			ok = true
		case kindDuration:
			_, err := time.ParseDuration(strings.TrimSpace(x))
			ok = err == nil
		}
	case bool:
		ok = k == kindBool
	case int64:
		ok = k == kindInt || (k == kindFloat && x >= -maxExactFloatInt && x <= maxExactFloatInt)
	case float64:
		ok = k == kindFloat
	}
	if ok {
		return ""
	}
	return k.want()
}

func isSection(name string) bool {
	for _, s := range sections() {
		if s == name {
			return true
		}
	}
	return false
}

// formatRaw writes a decoded TOML value back the way the file spells it.
func formatRaw(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		switch {
		case math.IsNaN(x):
			return "nan"
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case map[string]any:
		return "{...}"
	case []any, []map[string]any:
		return "[...]"
	case time.Time:
		return x.Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// expandHome turns a leading "~/" in the path keys into the home folder.
func (c *Config) expandHome() error {
	for _, f := range schema() {
		if !isPathKey(f.name()) {
			continue
		}
		v := f.value(c)
		p := v.String()
		if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
			continue
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return &Error{File: c.Source, Key: f.name(),
				Msg: fmt.Sprintf("%s = %q: cannot expand ~: %v", f.name(), p, err), Err: err}
		}
		v.SetString(filepath.Join(home, p[1:]))
	}
	return nil
}

// isPathKey reports whether a key holds a file or folder path.
func isPathKey(name string) bool {
	switch name {
	case "pool.base_profile_path", "browser.exec_path", "downloads.root", "ui.log_file", "store.journal":
		return true
	}
	return false
}
