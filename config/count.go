package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Count is a whole number or the word "auto", written in TOML as
// worker_count = 4 or worker_count = "auto". Its zero value is the number 0.
type Count struct {
	N    int  // the number; 0 when Auto
	Auto bool // "auto": the program picks the number and adjusts it
}

// autoWord is the only word a Count accepts.
const autoWord = "auto"

// errBadCount is what UnmarshalTOML reports; callers add the key.
var errBadCount = fmt.Errorf("want a whole number or %q", autoWord)

// UnmarshalTOML implements toml.Unmarshaler: an integer or "auto".
func (c *Count) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case int64:
		if x < math.MinInt || x > math.MaxInt {
			return errors.New("number too large")
		}
		*c = Count{N: int(x)}
		return nil
	case string:
		if x == autoWord {
			*c = Count{Auto: true}
			return nil
		}
	}
	return errBadCount
}

// MarshalTOML implements toml.Marshaler, writing what UnmarshalTOML reads.
func (c Count) MarshalTOML() ([]byte, error) { return []byte(c.toml()), nil }

// String writes the number, or "auto".
func (c Count) String() string {
	if c.Auto {
		return autoWord
	}
	return strconv.Itoa(c.N)
}

// toml writes c as config.toml spells it: 4 or "auto".
func (c Count) toml() string {
	if c.Auto {
		return strconv.Quote(autoWord)
	}
	return strconv.Itoa(c.N)
}

// isCount reports whether a decoded TOML value fits a Count.
func isCount(v any) bool {
	switch x := v.(type) {
	case int64:
		return true
	case string:
		return x == autoWord
	}
	return false
}
