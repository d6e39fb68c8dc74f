package config

import (
	"bytes"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

const rootFile = "../config.toml"

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
}

func TestRootConfigEqualsDefault(t *testing.T) {
	got, err := LoadFile(rootFile)
	if err != nil {
		t.Fatalf("LoadFile(%s): %v", rootFile, err)
	}
	if got.Source != rootFile {
		t.Errorf("Source = %q, want %q", got.Source, rootFile)
	}
	got.Source = ""
	if want := Default(); !reflect.DeepEqual(got, want) {
		g, w := keyValues(&got), keyValues(&want)
		for name := range w {
			if g[name] != w[name] {
				t.Errorf("%s: config.toml has %s, Default() has %s", name, g[name], w[name])
			}
		}
		t.Fatal("config.toml differs from Default()")
	}
}

// keyValues maps each key c sets to its value as config.toml spells it.
func keyValues(c *Config) map[string]string {
	out := map[string]string{}
	for x := range values(c) {
		if x.f.kind != kindTable && x.f.kind != kindTables {
			out[x.name] = formatValue(x.v)
		}
	}
	return out
}

// TestRootConfigDocumentsEveryKey keeps config.toml and the code from
// drifting: each key of the schema appears once, in its table, with a
// comment on the line above or at the end of its line. Arrays of tables
// are empty by default, so their keys appear in a commented-out example
// ("# [[browser.endpoints]]", then "# url = ...  # comment").
func TestRootConfigDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(rootFile)
	if err != nil {
		t.Fatal(err)
	}
	header := regexp.MustCompile(`^\[([a-z_.]+)\]\s*$`)
	example := regexp.MustCompile(`^#\s*\[\[([a-z_.]+)\]\]\s*$`)
	keyLine := regexp.MustCompile(`^([a-z_]+)\s*=\s*(.*)$`)
	exampleKey := regexp.MustCompile(`^#\s*([a-z_]+)\s*=\s*(.*)$`)
	seen := map[string]int{}
	table, prev, inExample := "", "", false
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if m := header.FindStringSubmatch(line); m != nil {
			table, inExample = m[1], false
		} else if m := example.FindStringSubmatch(line); m != nil {
			table, inExample = m[1]+"[]", true
		} else if m := keyLine.FindStringSubmatch(line); m != nil {
			name := table + "." + m[1]
			seen[name]++
			if !strings.HasPrefix(prev, "#") && !strings.Contains(m[2], "#") {
				t.Errorf("config.toml line %d: %s has no comment", i+1, name)
			}
		} else if m := exampleKey.FindStringSubmatch(line); m != nil && inExample {
			name := table + "." + m[1]
			seen[name]++
			if !strings.Contains(m[2], "#") {
				t.Errorf("config.toml line %d: %s has no comment at the end of its line", i+1, name)
			}
		} else if !strings.HasPrefix(line, "#") {
			inExample = false
		}
		prev = line
	}
	for _, f := range leaves() {
		if seen[f.name] != 1 {
			t.Errorf("config.toml: %s appears %d times, want once", f.name, seen[f.name])
		}
		delete(seen, f.name)
	}
	for name := range seen {
		t.Errorf("config.toml: %s is not a key of Config", name)
	}
}

// TestRootConfigExampleLoads uncomments the examples of config.toml (the
// "# [[...]]" blocks) and loads the result: what it shows must work.
func TestRootConfigExampleLoads(t *testing.T) {
	data, err := os.ReadFile(rootFile)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	inExample := false
	for line := range strings.Lines(string(data)) {
		switch trimmed := strings.TrimSpace(line); {
		case strings.HasPrefix(trimmed, "# [["):
			inExample = true
		case !strings.HasPrefix(trimmed, "#"):
			inExample = false
		}
		if inExample {
			line = strings.TrimPrefix(strings.TrimSpace(line), "# ") + "\n"
		}
		out = append(out, line)
	}
	cfg, err := parse("example.toml", []byte(strings.Join(out, "")))
	if err != nil {
		t.Fatalf("config.toml with its examples uncommented: %v", err)
	}
	if len(cfg.Browser.Endpoints) == 0 {
		t.Fatal("no [[browser.endpoints]] example in config.toml")
	}
}

// full is Default with one item in every list and array, so that every
// key is set.
func full() Config {
	c := Default()
	c.Coupa.Selectors = Selectors{Attachments: []string{"span.file", "a.dl"}, Supplier: []string{".vendor"},
		Error: []string{".oops"}, Empty: []string{".none"}}
	c.Browser.Endpoints = []Endpoint{{URL: "ws://127.0.0.1:9222", Slots: 2}, {URL: "http://10.0.0.5:9222", Slots: 1}}
	return c
}

// TestSchemaCoversEveryField checks the reflection in schema() against the
// TOML encoder's own view of a Config with every key set.
func TestSchemaCoversEveryField(t *testing.T) {
	c := full()
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if _, err := toml.Decode(buf.String(), &raw); err != nil {
		t.Fatalf("decoding the encoded config: %v\n%s", err, buf.String())
	}
	var encoded []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			switch x := v.(type) {
			case map[string]any:
				walk(join(prefix, k), x)
			case []map[string]any:
				for _, item := range x {
					walk(join(prefix, k)+"[]", item)
				}
			default:
				encoded = append(encoded, join(prefix, k))
			}
		}
	}
	walk("", raw)
	slices.Sort(encoded)
	encoded = slices.Compact(encoded)
	var known []string
	for _, f := range leaves() {
		known = append(known, f.name)
	}
	slices.Sort(known)
	if !slices.Equal(encoded, known) {
		t.Fatalf("schema keys differ from encoded Config:\nschema:  %v\nencoded: %v", known, encoded)
	}
	// And the encoded config loads back unchanged.
	got, err := parse("encoded.toml", buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	got.Source = ""
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("encoded config loads as %+v", got)
	}
	// So do the defaults, whose lists are empty.
	buf.Reset()
	if err := toml.NewEncoder(&buf).Encode(Default()); err != nil {
		t.Fatal(err)
	}
	if got, err = parse("encoded.toml", buf.Bytes()); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	got.Source = ""
	if !reflect.DeepEqual(got, Default()) {
		t.Fatalf("encoded defaults load as %+v", got)
	}
}

// TestEveryNumberHasARule makes sure no whole number, count or ratio is
// left without a range check.
func TestEveryNumberHasARule(t *testing.T) {
	for _, f := range leaves() {
		if (f.kind == kindInt || f.kind == kindFloat || f.kind == kindCount) && rules[f.name] == nil && itemRules[f.name] == nil {
			t.Errorf("%s has no validation rule", f.name)
		}
	}
	for name := range rules {
		if f, ok := lookup(name); !ok || strings.Contains(f.name, "[]") {
			t.Errorf("rule for unknown key %s (keys inside arrays go in itemRules)", name)
		}
	}
	for name := range itemRules {
		if f, ok := lookup(name); !ok || !strings.Contains(f.name, "[]") {
			t.Errorf("item rule for %s, not a key inside an array of tables", name)
		}
	}
}

// TestArchitectureListsEveryKey keeps §6 of docs/ARCHITECTURE.md true:
// its backticked keys, each under the last backticked table before it
// ("[pool]", "[[browser.endpoints]]"), are exactly the schema's keys.
func TestArchitectureListsEveryKey(t *testing.T) {
	data, err := os.ReadFile("../docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start, end := strings.Index(doc, "\n## 6. "), strings.Index(doc, "\n## 7. ")
	if start < 0 || end < start {
		t.Fatal("docs/ARCHITECTURE.md has no §6 followed by §7")
	}
	tableOf := regexp.MustCompile(`^\[(\[?)([a-z_.]+)\]?\]$`)
	key := regexp.MustCompile(`^[a-z_]+$`)
	var listed []string
	table := ""
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(doc[start:end], -1) {
		switch word := m[1]; {
		case tableOf.MatchString(word):
			tm := tableOf.FindStringSubmatch(word)
			table = tm[2]
			if tm[1] == "[" {
				table += "[]"
			}
		case table != "" && key.MatchString(word):
			listed = append(listed, table+"."+word)
		}
	}
	var known []string
	for _, f := range leaves() {
		known = append(known, f.name)
	}
	slices.Sort(listed)
	slices.Sort(known)
	for _, name := range known {
		if _, found := slices.BinarySearch(listed, name); !found {
			t.Errorf("docs/ARCHITECTURE.md §6 does not list %s", name)
		}
	}
	for _, name := range listed {
		if _, found := slices.BinarySearch(known, name); !found {
			t.Errorf("docs/ARCHITECTURE.md §6 lists %s, which is no key of Config", name)
		}
	}
}
