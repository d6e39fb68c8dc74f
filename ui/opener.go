package ui

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

// errNoOpener means this machine has no desktop to open a folder on.
var errNoOpener = errors.New("no desktop file manager here")

// findOpener is the command that opens a folder on the desktop of goos,
// or why there is none: macOS has open, Windows explorer, and other
// systems xdg-open, which needs a graphical session.
func findOpener(goos string, getenv func(string) string, look func(string) (string, error)) ([]string, error) {
	switch goos {
	case "darwin":
		return []string{"open"}, nil
	case "windows":
		return []string{"explorer"}, nil
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return nil, fmt.Errorf("%w (no DISPLAY or WAYLAND_DISPLAY: a terminal without a desktop session)", errNoOpener)
	}
	path, err := look("xdg-open")
	if err != nil {
		return nil, fmt.Errorf("%w (xdg-open is not installed: apt-get install xdg-utils)", errNoOpener)
	}
	return []string{path}, nil
}

// desktopOpen opens path with the desktop's opener and waits for the
// opener (not the file manager) to return. Its output goes nowhere: the
// console owns the terminal.
func desktopOpen(path string) error {
	argv, err := findOpener(runtime.GOOS, os.Getenv, exec.LookPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(argv[0], append(argv[1:], path)...)
	if err := cmd.Run(); err != nil && runtime.GOOS != "windows" { // explorer exits 1 even when it worked
		return fmt.Errorf("%s %s: %w", argv[0], path, err)
	}
	return nil
}
