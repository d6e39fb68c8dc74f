package browser

import (
	"errors"
	"fmt"

	"coupatui/internal/browserexec"
)

// ErrNoBrowser means no Chrome, Chromium or Edge could be found or run.
// Launch and FindExec wrap it; its text tells the operator how to install one.
var ErrNoBrowser = errors.New("no Chrome, Chromium or Edge browser found; install one: " +
	"Debian/Ubuntu: sudo apt-get install -y chromium chromium-headless-shell; " +
	"macOS: brew install --cask google-chrome (or: brew install --cask chromium); " +
	"Windows: winget install Google.Chrome; " +
	"or set [browser] exec_path to the browser's executable")

// FindExec returns the absolute path of the browser to run. A non-empty path
// must name an executable (absolute, relative, or a name on PATH); an empty
// path searches the usual names and install locations of Chrome, Chromium
// and Edge for this operating system, a headless shell first when the
// browser is to be headless.
func FindExec(path string, headless bool) (string, error) {
	if path != "" {
		found, err := browserexec.Look(path)
		if err != nil {
			return "", fmt.Errorf("browser executable %q: %w: %w", path, err, ErrNoBrowser)
		}
		return found, nil
	}
	if found, ok := browserexec.Find(headless); ok {
		return found, nil
	}
	return "", ErrNoBrowser
}

// IsHeadlessShell reports whether exe is a headless shell: it starts in a
// fraction of the full browser's time and memory, but drops a profile's
// cookies that have no expiry as it starts, so a signed-in session reaches
// it as cookies (Options.Cookies).
func IsHeadlessShell(exe string) bool { return browserexec.IsHeadlessShell(exe) }

// SessionReader is the browser that reads a signed-in profile's session
// cookies for workers running exe: exe itself, unless it is a headless
// shell; then the full browser the search finds, or "" where there is none.
func SessionReader(exe string) string {
	if !IsHeadlessShell(exe) {
		return exe
	}
	full, _ := browserexec.Find(false)
	return full
}
