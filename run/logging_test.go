package run

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coupatui/config"
	"coupatui/internal/testkit"
)

// The log file rotates at 20 MB and keeps the 5 newest older files; the
// live one stays private (0600).
func TestLogRotatesAtTwentyMBKeepingFive(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Default()
	cfg.UI.LogFile = filepath.Join(dir, "coupatui.log")
	w, err := openLog(cfg)
	if err != nil {
		t.Fatal(err)
	}
	line := bytes.Repeat([]byte("x"), 1<<20-1)
	line = append(line, '\n')
	for range 7*20 + 3 { // 7 rotations' worth and a bit
		if _, err := w.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	logs := func() []os.DirEntry {
		var out []os.DirEntry
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "coupatui") && strings.HasSuffix(e.Name(), ".log") {
				out = append(out, e)
			}
		}
		return out
	}
	// Old files are removed in the background, just after a rotation.
	testkit.WaitFor(t, "the log and its 5 older files", 10*time.Second, func() bool { return len(logs()) == 1+logBackups })
	for _, e := range logs() {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() > 20<<20 {
			t.Errorf("%s is %d bytes, over 20 MB", e.Name(), info.Size())
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
	}
	if logMaxMB != 20 || logBackups != 5 {
		t.Errorf("rotation at %d MB keeping %d, want 20 and 5", logMaxMB, logBackups)
	}
}
