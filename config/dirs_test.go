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
	downloadRoot := func(c Config) (string, error) { return c.DownloadRoot("/work/in/pos.xlsx"), nil }
	paths := []struct {
		name     string
		get      func(Config) (string, error)
		def, set string // by default; with the keys below set ("": not settable)
	}{
		{"LogPath", Config.LogPath, "/s/coupatui/coupatui.log", "/l.log"},
		{"JournalPath", Config.JournalPath, "/s/coupatui/journal.sqlite", "/j.sqlite"},
		{"ProfilePath", Config.ProfilePath, "/d/coupatui/base-profile", "/prof"},
		{"ClonesPath", Config.ClonesPath, "/d/coupatui/clones", ""},
		{"DownloadRoot", downloadRoot, "/work/in/downloads", "/out"},
	}
	c := Default()
	set := Default()
	set.UI.LogFile, set.Store.Journal, set.Pool.BaseProfilePath, set.Downloads.Root = "/l.log", "/j.sqlite", "/prof", "/out"
	for _, p := range paths {
		if got, err := p.get(c); err != nil || got != p.def {
			t.Errorf("%s = %q, %v; want %q", p.name, got, err, p.def)
		}
		if p.set == "" {
			continue
		}
		if got, err := p.get(set); err != nil || got != p.set {
			t.Errorf("%s set = %q, %v; want %q", p.name, got, err, p.set)
		}
	}
}
