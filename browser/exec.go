package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
		found, err := lookExec(path)
		if err != nil {
			return "", fmt.Errorf("browser executable %q: %w: %w", path, err, ErrNoBrowser)
		}
		return found, nil
	}
	for _, candidate := range execCandidates(runtime.GOOS) {
		if found, err := lookExec(candidate); err == nil {
			return found, nil
		}
	}
	return "", ErrNoBrowser
}

// lookExec resolves name through PATH when it has no separator, and checks
// that it is an executable regular file.
func lookExec(name string) (string, error) {
	found, err := exec.LookPath(name)
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(found)
	if err != nil {
		return "", err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	if info.IsDir() {
		return "", fmt.Errorf("%s is a directory", abs)
	}
	return abs, nil
}

// execCandidates lists, in order of preference, the names and paths where
// Chromium-family browsers are installed on goos.
func execCandidates(goos string) []string {
	switch goos {
	case "darwin":
		var list []string
		for _, app := range []string{
			"Google Chrome.app/Contents/MacOS/Google Chrome",
			"Chromium.app/Contents/MacOS/Chromium",
			"Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
			"Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
		} {
			list = append(list, filepath.Join("/Applications", app))
			if home, err := os.UserHomeDir(); err == nil {
				list = append(list, filepath.Join(home, "Applications", app))
			}
		}
		return append(list, "chromium", "google-chrome")
	case "windows":
		var list []string
		for _, env := range []string{"ProgramFiles", "ProgramFiles(x86)", "LocalAppData"} {
			base := os.Getenv(env)
			if base == "" {
				continue
			}
			list = append(list,
				filepath.Join(base, `Google\Chrome\Application\chrome.exe`),
				filepath.Join(base, `Chromium\Application\chrome.exe`),
				filepath.Join(base, `Microsoft\Edge\Application\msedge.exe`),
			)
		}
		return append(list, "chrome.exe", "msedge.exe")
	default:
		return []string{
			"chromium", "chromium-browser",
			"google-chrome", "google-chrome-stable", "google-chrome-beta",
			"microsoft-edge", "microsoft-edge-stable",
			"/usr/bin/chromium", "/usr/lib/chromium/chromium",
			"/snap/bin/chromium", "/opt/google/chrome/chrome",
			"/opt/microsoft/msedge/msedge",
			"headless_shell", "headless-shell",
		}
	}
}
