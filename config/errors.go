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

// valueError reports a key, named as the file spells it, whose value is
// not acceptable.
func valueError(file, name, value, want string) *Error {
	return &Error{File: file, Key: name, Msg: fmt.Sprintf("%s = %s: %s", name, value, want)}
}

// unknownKeyError reports a key or section config.toml does not have: key,
// found in the table t written at name, with a suggestion when a known name
// is close or the key belongs in another table.
func unknownKeyError(file string, t *field, name, key string, isTable bool) *Error {
	full := join(name, key)
	if name == "" && isTable {
		msg := fmt.Sprintf("unknown section [%s]", full)
		if s := closest(key, sections(), false); s != "" {
			msg += fmt.Sprintf(" (did you mean [%s]?)", s)
		}
		return &Error{File: file, Key: full, Msg: msg}
	}
	msg := "unknown key " + full
	if why, ok := replacedKeys[full]; ok {
		return &Error{File: file, Key: full, Msg: msg + " (" + why + ")"}
	}
	if name != "" {
		var here []string
		for _, f := range t.keys {
			here = append(here, f.key)
		}
		if s := closest(key, here, true); s != "" {
			return &Error{File: file, Key: full, Msg: msg + fmt.Sprintf(" (did you mean %s?)", join(name, s))}
		}
	}
	for _, f := range leaves() {
		if f.key == key {
			msg += fmt.Sprintf(" (it belongs in %s: %s)", f.table, f.name)
			break
		}
	}
	return &Error{File: file, Key: full, Msg: msg}
}

// replacedKeys are keys earlier versions had, with what replaced them.
var replacedKeys = map[string]string{
	"monitor.autoscale":         `replaced by pool.worker_count = "auto", which finds the best worker count itself`,
	"monitor.autoscale_max_cpu": "replaced by pool.auto_max_cpu",
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
