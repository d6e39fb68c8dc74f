package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"coupatui/internal/atomicfile"
)

// CloneFlags are Chromium flags for a browser started on a clone. They are
// not needed for a clone made by this package, whose Preferences already
// keep the session cookies (see PatchPreferences); they are the other way
// to the same end, for a profile copied by other means. Restoring the last
// session restores no tabs here, because clones leave session files out.
func CloneFlags() []string { return []string{"--restore-last-session"} }

// PatchPreferences records in the Chromium Preferences file at path that
// the profile's last exit was a crash ("profile.exit_type": "Crashed",
// "profile.exited_cleanly": false). Chromium then keeps the cookies that
// have no expiry, which it deletes after a clean exit; most session cookies
// are of that kind, so without this a clone of a signed-in profile starts
// signed out. A missing file is created with just these keys. Malformed
// JSON is an error naming the file; nothing is written then.
func PatchPreferences(path string) error {
	prefs := map[string]any{}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("creating the folder of %s: %w", path, err)
		}
	case err != nil:
		return fmt.Errorf("reading Chromium preferences %s: %w", path, err)
	default:
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber() // keep numbers exactly as Chromium wrote them
		if err := dec.Decode(&prefs); err != nil {
			return fmt.Errorf("reading Chromium preferences %s: malformed JSON: %w", path, err)
		}
		if dec.More() {
			return fmt.Errorf("reading Chromium preferences %s: malformed JSON: data after the top-level object", path)
		}
		if prefs == nil { // the file held null
			return fmt.Errorf("reading Chromium preferences %s: malformed JSON: want an object, got null", path)
		}
	}

	profile, ok := prefs["profile"].(map[string]any)
	if !ok {
		if v, present := prefs["profile"]; present && v != nil {
			return fmt.Errorf("reading Chromium preferences %s: \"profile\" is %T, want an object", path, v)
		}
		profile = map[string]any{}
		prefs["profile"] = profile
	}
	profile["exit_type"] = "Crashed"
	profile["exited_cleanly"] = false

	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(prefs); err != nil {
		return fmt.Errorf("writing Chromium preferences %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, bytes.TrimSuffix(out.Bytes(), []byte("\n")), 0o600)
}
