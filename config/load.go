package config

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
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
	// First pass into plain maps: syntax errors, then unknown keys and
	// value types, each reported with the key and what it wants.
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		if pe, ok := errors.AsType[toml.ParseError](err); ok {
			return Config{}, &Error{File: file, Line: pe.Position.Line, Col: pe.Position.Col,
				Msg: "syntax error: " + pe.Message, Err: err}
		}
		return Config{}, &Error{File: file, Msg: err.Error(), Err: err}
	}
	sc := shapeChecker{file: file, order: map[string]int{}}
	for i, k := range md.Keys() {
		for j := range k { // [coupa.selectors] opens coupa too, unlisted
			if _, seen := sc.order[k[:j+1].String()]; !seen {
				sc.order[k[:j+1].String()] = i
			}
		}
	}
	if err := sc.table(schema(), "", "", raw); err != nil {
		return Config{}, err
	}

	// Second pass into the struct, over the defaults so that absent keys
	// keep them.
	cfg := Default()
	md, err = toml.Decode(string(data), &cfg)
	if err != nil {
		return Config{}, &Error{File: file, Msg: err.Error(), Err: err}
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 { // the first pass missed one
		k := undecoded[0].String()
		return Config{}, &Error{File: file, Key: k, Msg: "unknown key " + k}
	}
	cfg.Source = file
	cfg.emptyListsNil()
	if err := cfg.expandHome(); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	cfg.foldRemote()
	return cfg, nil
}

// foldRemote turns the older [browser] remote key into what it meant: one
// endpoint that every worker uses (worker_count slots, default 2 for
// "auto"), and no local browser.
func (c *Config) foldRemote() {
	if c.Browser.Remote == "" {
		return
	}
	slots := c.Pool.WorkerCount.N
	if c.Pool.WorkerCount.Auto || slots < 1 {
		slots = 2
	}
	c.Browser.Endpoints = append([]Endpoint{{URL: c.Browser.Remote, Slots: slots}}, c.Browser.Endpoints...)
	c.Browser.Remote = ""
	c.Pool.WorkerCount, c.Pool.MinWorkers = Count{N: 0}, 0
}

// shapeChecker walks the file's decoded tables against the schema and
// reports the first key, in file order, that the schema does not have or
// whose value has the wrong shape, naming it in full: "pool.workers",
// "coupa.selectors.atachments", "browser.endpoints[1].slot".
type shapeChecker struct {
	file  string
	order map[string]int // where each dotted key (without indices) first appears in the file
}

// table checks the keys of raw, the table t written at name (indices
// filled in) and path (without them).
func (sc *shapeChecker) table(t *field, name, path string, raw map[string]any) error {
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	pos := func(k string) int {
		if p, ok := sc.order[join(path, k)]; ok {
			return p
		}
		return math.MaxInt
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(pos(a), pos(b)), strings.Compare(a, b)) })
	for _, k := range keys {
		v := raw[k]
		f := t.child(k)
		if f == nil {
			_, isTable := v.(map[string]any)
			return unknownKeyError(sc.file, t, name, k, isTable)
		}
		if err := sc.value(f, join(name, k), join(path, k), v); err != nil {
			return err
		}
	}
	return nil
}

// value checks v, the value of key f written at name.
func (sc *shapeChecker) value(f *field, name, path string, v any) error {
	switch f.kind {
	case kindTable:
		m, ok := v.(map[string]any)
		if !ok {
			return &Error{File: sc.file, Key: name,
				Msg: fmt.Sprintf("%s = %s: want a section [%s]", name, formatRaw(v), name)}
		}
		return sc.table(f, name, path, m)
	case kindTables:
		items, ok := tableItems(v)
		if !ok {
			return &Error{File: sc.file, Key: name,
				Msg: fmt.Sprintf("%s = %s: want tables, each headed [[%s]]", name, formatRaw(v), name)}
		}
		for i, m := range items {
			if err := sc.table(f, fmt.Sprintf("%s[%d]", name, i), path, m); err != nil {
				return err
			}
		}
		return nil
	case kindStrings:
		list, ok := v.([]any)
		if !ok {
			return shapeError(sc.file, name, v, f.kind.want())
		}
		for i, x := range list {
			if _, ok := x.(string); !ok {
				return shapeError(sc.file, fmt.Sprintf("%s[%d]", name, i), x, kindString.want())
			}
		}
		return nil
	}
	if want := checkValue(f.kind, v); want != "" {
		return shapeError(sc.file, name, v, want)
	}
	return nil
}

// tableItems returns the tables of an array of tables, written either
// [[x]] or x = [{...}, {...}].
func tableItems(v any) ([]map[string]any, bool) {
	switch x := v.(type) {
	case []map[string]any:
		return x, true
	case []any:
		out := make([]map[string]any, len(x))
		for i, item := range x {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, false
			}
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

func shapeError(file, name string, v any, want string) *Error {
	return &Error{File: file, Key: name, Msg: fmt.Sprintf("%s = %s: %s", name, formatRaw(v), want)}
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
		case kindCount:
			ok = isCount(x)
		}
	case bool:
		ok = k == kindBool
	case int64:
		ok = k == kindInt || k == kindCount || (k == kindFloat && x >= -maxExactFloatInt && x <= maxExactFloatInt)
	case float64:
		ok = k == kindFloat
	}
	if ok {
		return ""
	}
	return k.want()
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
	for x := range values(c) {
		if !isPathKey(x.name) {
			continue
		}
		p := x.v.String()
		if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
			continue
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return &Error{File: c.Source, Key: x.name,
				Msg: fmt.Sprintf("%s = %q: cannot expand ~: %v", x.name, p, err), Err: err}
		}
		x.v.SetString(filepath.Join(home, p[1:]))
	}
	return nil
}

// emptyListsNil makes the lists the file left empty nil, as Default has them.
func (c *Config) emptyListsNil() {
	for x := range values(c) {
		if (x.f.kind == kindStrings || x.f.kind == kindTables) && x.v.Len() == 0 {
			x.v.SetZero()
		}
	}
}

// isPathKey reports whether a key holds a file or folder path.
func isPathKey(name string) bool {
	switch name {
	case "pool.base_profile_path", "browser.exec_path", "downloads.root", "ui.log_file", "store.journal":
		return true
	}
	return false
}
