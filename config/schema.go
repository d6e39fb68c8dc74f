package config

import (
	"fmt"
	"iter"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// kind is what a key holds, as the file must spell it.
type kind int

const (
	kindString kind = iota
	kindBool
	kindInt
	kindFloat
	kindDuration
	kindCount   // a whole number or "auto" (Count)
	kindStrings // a list of strings: ["a", "b"]
	kindTable   // a table of keys: a section [pool], or [coupa.selectors] inside one
	kindTables  // an array of tables: [[browser.endpoints]]
)

// want says, for error messages, what a key of this kind accepts.
func (k kind) want() string {
	switch k {
	case kindString:
		return "want a quoted string"
	case kindBool:
		return "want true or false"
	case kindInt:
		return "want a whole number"
	case kindFloat:
		return "want a number"
	case kindCount:
		return errBadCount.Error()
	case kindStrings:
		return `want a list of quoted strings, like ["a", "b"]`
	default:
		return errBadDuration.Error()
	}
}

// field is one key of config.toml and where it lives in Config. A table
// or an array of tables holds its own keys, so the schema is a tree whose
// root is Config and whose first level is the sections.
type field struct {
	key   string // the key inside its table: "attachments"
	name  string // dotted from the top, "[]" standing for an array's items: "browser.endpoints[].url"
	table string // the header of the table it is written in: "[coupa.selectors]", "[[browser.endpoints]]"; "" at the top
	kind  kind
	index int      // its field number in the Go struct of its table
	keys  []*field // kindTable and kindTables: the keys inside, in declaration order
}

// child returns the key of table t called key, or nil.
func (t *field) child(key string) *field {
	for _, f := range t.keys {
		if f.key == key {
			return f
		}
	}
	return nil
}

// schema is the tree of every key of Config, read from the struct tags so
// that the file, the code and the messages cannot disagree. A field of a
// type not handled here is left out, which TestSchemaCoversEveryField
// catches.
var schema = sync.OnceValue(func() *field {
	root := &field{kind: kindTable}
	root.keys = tableKeys(reflect.TypeFor[Config](), "", "")
	return root
})

// tableKeys lists the keys of the struct type t, the table called name
// whose header is written header.
func tableKeys(t reflect.Type, name, header string) []*field {
	var out []*field
	for i := range t.NumField() {
		sf := t.Field(i)
		key := sf.Tag.Get("toml")
		if key == "" || key == "-" {
			continue
		}
		f := &field{key: key, name: join(name, key), table: header, index: i}
		switch ft := sf.Type; {
		case ft == reflect.TypeFor[Duration]():
			f.kind = kindDuration
		case ft == reflect.TypeFor[Count]():
			f.kind = kindCount
		case ft == reflect.TypeFor[[]string]():
			f.kind = kindStrings
		case ft.Kind() == reflect.Struct:
			f.kind = kindTable
			f.keys = tableKeys(ft, f.name, "["+f.name+"]")
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			f.kind = kindTables
			f.keys = tableKeys(ft.Elem(), f.name+"[]", "[["+f.name+"]]")
		case ft.Kind() == reflect.Bool:
			f.kind = kindBool
		case ft.Kind() == reflect.Int:
			f.kind = kindInt
		case ft.Kind() == reflect.Float64:
			f.kind = kindFloat
		case ft.Kind() == reflect.String:
			f.kind = kindString
		default:
			continue // unsupported type: TestSchemaCoversEveryField fails
		}
		out = append(out, f)
	}
	return out
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// leaves lists every key that holds a value (not a table), in declaration
// order, those inside arrays of tables included.
var leaves = sync.OnceValue(func() []*field {
	var out []*field
	var walk func(t *field)
	walk = func(t *field) {
		for _, f := range t.keys {
			if f.kind == kindTable || f.kind == kindTables {
				walk(f)
			} else {
				out = append(out, f)
			}
		}
	}
	walk(schema())
	return out
})

// sections lists the section names in declaration order.
func sections() []string {
	var out []string
	for _, f := range schema().keys {
		out = append(out, f.key)
	}
	return out
}

// lookup finds a key that holds a value by its name, "[]" standing for
// array items: "pool.worker_count", "browser.endpoints[].url".
func lookup(name string) (*field, bool) {
	for _, f := range leaves() {
		if f.name == name {
			return f, true
		}
	}
	return nil, false
}

// value is one key as it is set in one Config.
type value struct {
	f    *field
	name string // as messages spell it, indices filled in: "browser.endpoints[1].url"
	v    reflect.Value
}

// values yields every key set in c, tables and arrays of tables before
// their keys, in declaration order; the items of an array come in order.
// The reflect values are settable.
func values(c *Config) iter.Seq[value] {
	return func(yield func(value) bool) {
		tableValues(schema(), "", reflect.ValueOf(c).Elem(), yield)
	}
}

func tableValues(t *field, prefix string, v reflect.Value, yield func(value) bool) bool {
	for _, f := range t.keys {
		x := value{f: f, name: join(prefix, f.key), v: v.Field(f.index)}
		if !yield(x) {
			return false
		}
		switch f.kind {
		case kindTable:
			if !tableValues(f, x.name, x.v, yield) {
				return false
			}
		case kindTables:
			for i := range x.v.Len() {
				if !tableValues(f, fmt.Sprintf("%s[%d]", x.name, i), x.v.Index(i), yield) {
					return false
				}
			}
		}
	}
	return true
}

// formatValue writes v the way config.toml would spell it.
func formatValue(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case Duration:
		return strconv.Quote(x.String())
	case Count:
		return x.toml()
	case string:
		return strconv.Quote(x)
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case float64:
		return formatRaw(x)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return v.String()
}
