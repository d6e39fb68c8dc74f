package config

import (
	"fmt"
	"strings"
)

// Error is one problem with a configuration. Its message is one line that
// names the file and, when there is one, the key, and says what is wanted:
//
//	config.toml: pool.worker_count = 0: must be between 1 and 64
//	config.toml: unknown key pool.workers (did you mean pool.worker_count?)
//	config.toml:3:17: syntax error: expected value but found "x" instead
//
// Callers that changed a field from a flag can use Key to name the flag.
type Error struct {
	File string // the file at fault; "" for the built-in defaults (with flag overrides)
	Line int    // 1-based; 0 when the problem is not at one place in the file
	Col  int    // 1-based; 0 when unknown
	Key  string // dotted key at fault, e.g. "pool.worker_count"; "" when none
	Msg  string // the rest of the message; names the key when there is one
	Err  error  // the cause, for errors.Is and errors.As; may be nil
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File == "" {
		b.WriteString("config")
	} else {
		b.WriteString(e.File)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// valueError reports a key whose value is not acceptable.
func valueError(file string, f field, value, want string) *Error {
	return &Error{File: file, Key: f.name(), Msg: fmt.Sprintf("%s = %s: %s", f.name(), value, want)}
}

// unknownKeyError reports a key or section config.toml does not have, with
// a suggestion when a known name is close.
func unknownKeyError(file string, key []string, isTable bool) *Error {
	name := strings.Join(key, ".")
	if len(key) == 1 {
		if isTable {
			msg := fmt.Sprintf("unknown section [%s]", name)
			if s := closest(name, sections(), false); s != "" {
				msg += fmt.Sprintf(" (did you mean [%s]?)", s)
			}
			return &Error{File: file, Key: name, Msg: msg}
		}
		// A key outside any section: perhaps it belongs in one.
		msg := "unknown key " + name
		for _, f := range schema() {
			if f.key == name {
				msg += fmt.Sprintf(" (it belongs in [%s]: %s)", f.section, f.name())
				break
			}
		}
		return &Error{File: file, Key: name, Msg: msg}
	}
	msg := "unknown key " + name
	section, leaf := key[0], key[len(key)-1]
	var inSection []string
	for _, f := range schema() {
		if f.section == section {
			inSection = append(inSection, f.key)
		}
	}
	switch s := closest(leaf, inSection, true); {
	case len(key) == 2 && s != "":
		msg += fmt.Sprintf(" (did you mean %s.%s?)", section, s)
	default:
		for _, f := range schema() {
			if f.key == leaf && f.section != section {
				msg += fmt.Sprintf(" (it belongs in [%s]: %s)", f.section, f.name())
				break
			}
		}
	}
	return &Error{File: file, Key: name, Msg: msg}
}

// closest returns the candidate nearest to typed: within a small edit
// distance, or (when prefixes is set) one that starts with typed's stem, as
// "worker_count" does for "workers". It returns "" when none is close.
func closest(typed string, candidates []string, prefixes bool) string {
	best, bestDist := "", 1<<30
	limit := max(2, len(typed)/3)
	stem := strings.TrimSuffix(typed, "s")
	for _, c := range candidates {
		d := editDistance(typed, c)
		ok := d <= limit
		if !ok && prefixes && len(stem) >= 4 && (strings.HasPrefix(c, stem) || strings.HasPrefix(typed, c)) {
			ok = true
		}
		if ok && d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes (keys
// are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
