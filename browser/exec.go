package browser

import (
	"errors"
	"fmt"

	"coupatui/internal/browserexec"
)

// ErrNoBrowser means no Chrome, Chromium or Edge could be found or run.
// Launch and FindExec wrap it; its text tells the operator how to install one.
var ErrNoBrowser = errors.New("no Chrome, Chromium or Edge browser found; install one: " +
	"Debian/Ubuntu: sudo apt-get install -y chromium; " +
	"macOS: brew install --cask google-chrome (or: brew install --cask chromium); " +
	"Windows: winget install Google.Chrome; " +
	"or set [browser] exec_path to the browser's executable")

// FindExec returns the absolute path of the browser to run. A non-empty path
// must name an executable (absolute, relative, or a name on PATH); an empty
// path searches the usual names and install locations of Chrome, Chromium
// and Edge for this operating system.
func FindExec(path string) (string, error) {
	if path != "" {
		found, err := browserexec.Look(path)
		if err != nil {
			return "", fmt.Errorf("browser executable %q: %w: %w", path, err, ErrNoBrowser)
		}
		return found, nil
	}
	if found, ok := browserexec.Find(); ok {
		return found, nil
	}
	return "", ErrNoBrowser
}
