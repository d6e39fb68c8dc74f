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
		for _, f := range schema() {
			g, w := f.value(&got).Interface(), f.value(&want).Interface()
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s: config.toml has %v, Default() has %v", f.name(), g, w)
			}
		}
		t.Fatal("config.toml differs from Default()")
	}
}

// TestRootConfigDocumentsEveryKey keeps config.toml and the code from
// drifting: each key of the schema appears once, in its section, with a
// comment on the line above or at the end of its line.
func TestRootConfigDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(rootFile)
	if err != nil {
		t.Fatal(err)
	}
	header := regexp.MustCompile(`^\[([a-z_]+)\]\s*$`)
	keyLine := regexp.MustCompile(`^([a-z_]+)\s*=\s*(.*)$`)
	seen := map[string]int{}
	section, prev := "", ""
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if m := header.FindStringSubmatch(line); m != nil {
			section = m[1]
		} else if m := keyLine.FindStringSubmatch(line); m != nil {
			name := section + "." + m[1]
			seen[name]++
			if !strings.HasPrefix(prev, "#") && !strings.Contains(m[2], "#") {
				t.Errorf("config.toml line %d: %s has no comment", i+1, name)
			}
		}
		prev = line
	}
	for _, f := range schema() {
		if seen[f.name()] != 1 {
			t.Errorf("config.toml: %s appears %d times, want once", f.name(), seen[f.name()])
		}
		delete(seen, f.name())
	}
	for name := range seen {
		t.Errorf("config.toml: %s is not a key of Config", name)
	}
}

// TestSchemaCoversEveryField checks the reflection in schema() against the
// TOML encoder's own view of Default().
func TestSchemaCoversEveryField(t *testing.T) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(Default()); err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string]any
	if _, err := toml.Decode(buf.String(), &raw); err != nil {
		t.Fatalf("decoding the encoded defaults: %v\n%s", err, buf.String())
	}
	var encoded []string
	for sec, keys := range raw {
		for k := range keys {
			encoded = append(encoded, sec+"."+k)
		}
	}
	var known []string
	for _, f := range schema() {
		known = append(known, f.name())
	}
	slices.Sort(encoded)
	slices.Sort(known)
	if !slices.Equal(encoded, known) {
		t.Fatalf("schema keys differ from encoded Config:\nschema:  %v\nencoded: %v", known, encoded)
	}
	// And the encoded defaults load back unchanged.
	got, err := parse("encoded.toml", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got.Source = ""
	if !reflect.DeepEqual(got, Default()) {
		t.Fatalf("encoded defaults load as %+v", got)
	}
}

// TestEveryNumberHasARule makes sure no whole number or ratio is left
// without a range check.
func TestEveryNumberHasARule(t *testing.T) {
	for _, f := range schema() {
		if (f.kind == kindInt || f.kind == kindFloat) && rules[f.name()] == nil {
			t.Errorf("%s has no validation rule", f.name())
		}
	}
	for name := range rules {
		sec, key, _ := strings.Cut(name, ".")
		if _, ok := lookup(sec, key); !ok {
			t.Errorf("rule for unknown key %s", name)
		}
	}
}
