package config

import (
	"reflect"
	"strconv"
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
	default:
		return errBadDuration.Error()
	}
}

// field is one key of config.toml and where it lives in Config.
type field struct {
	section, key string
	kind         kind
	index        []int // reflect path from Config
}

func (f field) name() string { return f.section + "." + f.key }

// value returns the field's value in c.
func (f field) value(c *Config) reflect.Value {
	return reflect.ValueOf(c).Elem().FieldByIndex(f.index)
}

// schema lists every key of Config in declaration order, read from the
// struct tags so that the file, the code and the messages cannot disagree.
// A field of a type not handled here is left out, which a test catches.
var schema = sync.OnceValue(func() []field {
	durationType := reflect.TypeFor[Duration]()
	ct := reflect.TypeFor[Config]()
	var out []field
	for i := range ct.NumField() {
		sec := ct.Field(i)
		name := sec.Tag.Get("toml")
		if name == "-" || sec.Type.Kind() != reflect.Struct {
			continue
		}
		for j := range sec.Type.NumField() {
			f := sec.Type.Field(j)
			var k kind
			switch {
			case f.Type == durationType:
				k = kindDuration
			case f.Type.Kind() == reflect.Bool:
				k = kindBool
			case f.Type.Kind() == reflect.Int:
				k = kindInt
			case f.Type.Kind() == reflect.Float64:
				k = kindFloat
			case f.Type.Kind() == reflect.String:
				k = kindString
			default:
				continue // unsupported type: TestSchemaCoversEveryField fails
			}
			out = append(out, field{section: name, key: f.Tag.Get("toml"), kind: k, index: []int{i, j}})
		}
	}
	return out
})

// sections lists the section names in declaration order.
func sections() []string {
	var out []string
	for _, f := range schema() {
		if len(out) == 0 || out[len(out)-1] != f.section {
			out = append(out, f.section)
		}
	}
	return out
}

// lookup finds a key by section and name.
func lookup(section, key string) (field, bool) {
	for _, f := range schema() {
		if f.section == section && f.key == key {
			return f, true
		}
	}
	return field{}, false
}

// formatValue writes v the way config.toml would spell it.
func formatValue(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case Duration:
		return strconv.Quote(x.String())
	case string:
		return strconv.Quote(x)
	case float64:
		return formatRaw(x)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return v.String()
}
