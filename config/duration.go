package config

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Duration is a time.Duration written in TOML as a string like "30s",
// "5m" or "1h30m".
type Duration struct{ time.Duration }

// errBadDuration is what UnmarshalText reports; callers add the key.
var errBadDuration = errors.New(`want a duration like "30s", "5m" or "1h30m"`)

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(text)))
	if err != nil {
		return errBadDuration
	}
	d.Duration = v
	return nil
}

// MarshalText implements encoding.TextMarshaler, writing the shortest form
// ("2m", not "2m0s").
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String writes the duration without trailing zero units: "2m", "1h30m",
// "1m30s", "1.5s", "0s".
func (d Duration) String() string {
	s := d.Duration.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// GoString makes %#v readable in test failures.
func (d Duration) GoString() string { return fmt.Sprintf("config.Duration{%s}", d.String()) }
