// Package browserexec finds the Chrome, Chromium or Edge executable to run;
// for headless work it prefers Chromium's headless shell where installed
// (IsHeadlessShell tells one by its path).
//
// It is the one implementation of the search: package browser (FindExec)
// and the shared test kit (internal/testkit) both use it. It lives apart
// from browser because browser's own tests use the test kit, so the kit
// cannot import browser.
package browserexec

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Find returns the absolute path of the first of Candidates(runtime.GOOS,
// headless) that Look accepts, and false when there is none.
func Find(headless bool) (string, bool) {
	for _, candidate := range Candidates(runtime.GOOS, headless) {
		if found, err := Look(candidate); err == nil {
			return found, true
		}
	}
	return "", false
}

// Look resolves name through PATH when it has no separator, checks that it
// is an executable file and not a directory, and returns its absolute path.
func Look(name string) (string, error) {
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

// Candidates lists, in order of preference, the names (looked up on PATH)
// and paths where Chromium-family browsers are installed on goos. For a
// headless browser Chromium's headless shell comes first, where installed:
// it reads the same profiles and, on 2 cores, starts in a third of the full
// browser's CPU time and takes a third of its memory (docs/ARCHITECTURE.md,
// "Browsers"). It cannot show a window, so it is never a visible one.
func Candidates(goos string, headless bool) []string {
	full := fullBrowsers(goos)
	if !headless {
		return full
	}
	return append(headlessShells(goos), full...)
}

// shellNames are the headless-only builds' executables: Debian's and
// Ubuntu's chromium-headless-shell package, Chrome for Testing's download
// and Chromium's own build target.
var shellNames = []string{"chromium-headless-shell", "chrome-headless-shell", "headless_shell", "headless-shell"}

// headlessShells are where the headless-only builds are found on goos.
func headlessShells(goos string) []string {
	switch goos {
	case "windows":
		return []string{"chrome-headless-shell.exe"}
	case "darwin":
		return []string{"chrome-headless-shell"}
	default:
		// Debian's binary before its /usr/bin wrapper, a script that runs
		// it as a child: the browser's PID is then the script's.
		return append([]string{"/usr/lib/chromium/chromium-headless-shell"}, shellNames...)
	}
}

// fullBrowsers are the browsers that can also show a window.
func fullBrowsers(goos string) []string {
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
		}
	}
}

// IsHeadlessShell reports whether path names a headless shell (see
// headlessShells). A shell starting on a profile drops its cookies that
// have no expiry, whatever the profile's last exit: no session restore is
// built in. So a signed-in session reaches it as cookies set before its
// first page, as it reaches a remote browser.
func IsHeadlessShell(path string) bool {
	return slices.Contains(shellNames, strings.ToLower(strings.TrimSuffix(filepath.Base(path), ".exe")))
}
