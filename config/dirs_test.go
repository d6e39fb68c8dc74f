package config

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestUserDirs(t *testing.T) {
	const home = "/home/op"
	homeOK := func() (string, error) { return home, nil }
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name        string
		goos        string
		env         map[string]string
		state, data string
	}{
		{"linux defaults", "linux", nil,
			filepath.Join(home, ".local/state/coupatui"), filepath.Join(home, ".local/share/coupatui")},
		{"linux XDG", "linux", map[string]string{"XDG_STATE_HOME": "/x/state", "XDG_DATA_HOME": "/x/data"},
			"/x/state/coupatui", "/x/data/coupatui"},
		{"relative XDG is ignored", "freebsd", map[string]string{"XDG_STATE_HOME": "rel", "XDG_DATA_HOME": "rel"},
			filepath.Join(home, ".local/state/coupatui"), filepath.Join(home, ".local/share/coupatui")},
		{"macOS ignores XDG", "darwin", map[string]string{"XDG_STATE_HOME": "/x/state"},
			filepath.Join(home, "Library/Logs/coupatui"), filepath.Join(home, "Library/Application Support/coupatui")},
		{"windows", "windows", map[string]string{"LOCALAPPDATA": `C:\Users\op\AppData\Local`},
			filepath.Join(`C:\Users\op\AppData\Local`, "coupatui"), filepath.Join(`C:\Users\op\AppData\Local`, "coupatui")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := stateDir(tt.goos, env(tt.env), homeOK)
			if err != nil || s != tt.state {
				t.Errorf("stateDir = %q, %v; want %q", s, err, tt.state)
			}
			d, err := dataDir(tt.goos, env(tt.env), homeOK)
			if err != nil || d != tt.data {
				t.Errorf("dataDir = %q, %v; want %q", d, err, tt.data)
			}
		})
	}

	noHome := func() (string, error) { return "", errors.New("$HOME is not defined") }
	if _, err := stateDir("linux", env(nil), noHome); err == nil {
		t.Error("stateDir without a home folder succeeded")
	}
	if _, err := dataDir("windows", env(nil), homeOK); err == nil {
		t.Error("dataDir on windows without LOCALAPPDATA succeeded")
	}
}

func TestDefaultPaths(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/s")
	t.Setenv("XDG_DATA_HOME", "/d")
	c := Default()
	check := func(name string, got string, err error, want string) {
		t.Helper()
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	p, err := c.LogPath()
	check("LogPath", p, err, "/s/coupatui/coupatui.log")
	p, err = c.JournalPath()
	check("JournalPath", p, err, "/s/coupatui/journal.sqlite")
	p, err = c.ProfilePath()
	check("ProfilePath", p, err, "/d/coupatui/base-profile")
	p, err = c.ClonesPath()
	check("ClonesPath", p, err, "/d/coupatui/clones")
	check("DownloadRoot", c.DownloadRoot("/work/in/pos.xlsx"), nil, "/work/in/downloads")

	c.UI.LogFile, c.Store.Journal, c.Pool.BaseProfilePath, c.Downloads.Root = "/l.log", "/j.sqlite", "/prof", "/out"
	p, err = c.LogPath()
	check("LogPath set", p, err, "/l.log")
	p, err = c.JournalPath()
	check("JournalPath set", p, err, "/j.sqlite")
	p, err = c.ProfilePath()
	check("ProfilePath set", p, err, "/prof")
	check("DownloadRoot set", c.DownloadRoot("/work/in/pos.xlsx"), nil, "/out")
}
