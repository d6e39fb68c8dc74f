package browserexec

import (
	"slices"
	"testing"
)

func TestHeadlessShellsComeFirstOnlyForHeadless(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		visible, headless := Candidates(goos, false), Candidates(goos, true)
		if slices.ContainsFunc(visible, IsHeadlessShell) {
			t.Errorf("%s: a visible browser may be a headless shell: %v", goos, visible)
		}
		shells := headlessShells(goos)
		if len(shells) == 0 || !slices.Equal(headless[:len(shells)], shells) ||
			!slices.Equal(headless[len(shells):], visible) {
			t.Errorf("%s: headless candidates %v, want the shells %v then %v", goos, headless, shells, visible)
		}
		for _, s := range shells {
			if !IsHeadlessShell(s) {
				t.Errorf("%s: %q is listed as a headless shell but IsHeadlessShell says no", goos, s)
			}
		}
	}
}

func TestIsHeadlessShell(t *testing.T) {
	for path, want := range map[string]bool{
		"/usr/bin/chromium-headless-shell":                         true,
		"/usr/lib/chromium/chromium-headless-shell":                true,
		"/opt/chrome-headless-shell-linux64/chrome-headless-shell": true,
		"chrome-headless-shell.exe":                                true,
		"headless_shell":                                           true,
		"/usr/bin/chromium":                                        false,
		"/opt/google/chrome/chrome":                                false,
		"":                                                         false,
	} {
		if got := IsHeadlessShell(path); got != want {
			t.Errorf("IsHeadlessShell(%q) = %v, want %v", path, got, want)
		}
	}
}
