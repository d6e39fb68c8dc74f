package profiles

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type prefsFile struct {
	Profile struct {
		ExitType      string `json:"exit_type"`
		ExitedCleanly *bool  `json:"exited_cleanly"`
		Name          string `json:"name"`
	} `json:"profile"`
}

func readPrefs(t *testing.T, path string) prefsFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p prefsFile
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

func TestPatchPreferences(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		keep     []string // text the rewrite must keep verbatim
	}{
		{"clean exit", `{"profile":{"exit_type":"Normal","exited_cleanly":true,"name":"Your Chromium"},"x":1}`, []string{`"name":"Your Chromium"`, `"x":1`}},
		{"no exit keys", `{"profile":{"name":"Your Chromium","creation_time":"13440405539376322"}}`, []string{`"creation_time":"13440405539376322"`}},
		{"no profile", `{"browser":{"window":1.3440405541209222e+16,"big":13440405541209222123}}`, []string{`1.3440405541209222e+16`, `13440405541209222123`}},
		{"html in strings", `{"profile":{"name":"a<b>&c"}}`, []string{`"name":"a<b>&c"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "Preferences")
			if err := os.WriteFile(path, []byte(tc.in), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := PatchPreferences(path); err != nil {
				t.Fatal(err)
			}
			p := readPrefs(t, path)
			if p.Profile.ExitType != "Crashed" || p.Profile.ExitedCleanly == nil || *p.Profile.ExitedCleanly {
				t.Errorf("profile = %+v, want exit_type Crashed, exited_cleanly false", p.Profile)
			}
			out, _ := os.ReadFile(path)
			for _, k := range tc.keep {
				if !strings.Contains(string(out), k) {
					t.Errorf("rewrite lost %s:\n%s", k, out)
				}
			}
			info, _ := os.Stat(path)
			if info.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", info.Mode())
			}
			if items, _ := os.ReadDir(filepath.Dir(path)); len(items) != 1 {
				t.Errorf("%d files next to Preferences, want none left behind", len(items)-1)
			}
		})
	}
}

func TestPatchPreferencesMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Default", "Preferences")
	if err := PatchPreferences(path); err != nil {
		t.Fatal(err)
	}
	if p := readPrefs(t, path); p.Profile.ExitType != "Crashed" {
		t.Errorf("exit_type = %q, want Crashed", p.Profile.ExitType)
	}
}

func TestPatchPreferencesRejectsMalformed(t *testing.T) {
	for name, in := range map[string]string{
		"truncated":        `{"profile":{"exit_type":"Norm`,
		"not an object":    `[1,2]`,
		"null":             `null`,
		"trailing data":    `{"a":1} {"b":2}`,
		"profile a string": `{"profile":"x"}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "Preferences")
			if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
				t.Fatal(err)
			}
			err := PatchPreferences(path)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("PatchPreferences = %v, want an error naming %s", err, path)
			}
			if out, _ := os.ReadFile(path); string(out) != in {
				t.Errorf("a malformed file was rewritten to %q", out)
			}
		})
	}
}

// A clone of a base with malformed preferences fails and leaves nothing.
func TestCloneMalformedPreferences(t *testing.T) {
	m := newTestManager(t, Options{})
	writeTree(t, m.Base(), map[string]string{"Default/Preferences": "{oops"})
	_, err := m.Clone(t.Context(), 0)
	if err == nil || !strings.Contains(err.Error(), filepath.Join("Default", "Preferences")) {
		t.Fatalf("Clone = %v, want an error naming Default/Preferences", err)
	}
	if items, _ := os.ReadDir(m.ClonesDir()); len(items) != 0 {
		t.Errorf("a failed clone left %d items", len(items))
	}
}
