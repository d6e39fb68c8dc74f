package profiles

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"coupatui/internal/testkit"
)

// A profile like the ones Chromium 156 writes, with what a clone keeps and
// what it leaves out.
var sampleProfile = map[string]string{
	"Local State":                                      "{\"os_crypt\":{}}",
	"Last Version":                                     "156.0.8078.108",
	"Default/Preferences":                              `{"profile":{"exit_type":"Normal","name":"Your Chromium"}}`,
	"Default/Secure Preferences":                       "{}",
	"Default/Cookies":                                  "sqlite cookies",
	"Default/Cookies-journal":                          "",
	"Default/Network/Cookies":                          "sqlite cookies (Windows layout)",
	"Default/Login Data":                               "logins",
	"Default/Web Data":                                 "web data",
	"Default/Local Storage/leveldb/CURRENT":            "MANIFEST-000001\n",
	"Default/Local Storage/leveldb/MANIFEST-000001":    "manifest",
	"Default/Local Storage/leveldb/000003.log":         "latest writes",
	"Default/Local Storage/leveldb/LOG":                "info log",
	"Default/Local Storage/leveldb/LOG.old":            "old info log",
	"Default/Site Characteristics Database/CURRENT":    "MANIFEST-000001\n",
	"Default/Site Characteristics Database/000003.log": "site data",
	"Profile 1/Preferences":                            `{"profile":{"exit_type":"Normal"}}`,
	// left out
	"Default/History":  "x",
	"Default/Favicons": "x",
	"Default/Extensions/abc/1.0_0/manifest.json":            "x",
	"Default/Extension State/CURRENT":                       "x",
	"Default/Cache/Cache_Data/index":                        "x",
	"Default/Code Cache/js/index":                           "x",
	"Default/GPUCache/data_0":                               "x",
	"Default/Service Worker/Database/CURRENT":               "x",
	"Default/Session Storage/000003.log":                    "x",
	"Default/IndexedDB/https_x_0.indexeddb.leveldb/CURRENT": "x",
	"GrShaderCache/data_0":                                  "x",
	"GraphiteDawnCache/data_0":                              "x",
	"ShaderCache/data_0":                                    "x",
	"Default/DawnCache/data_0":                              "x",
	"Default/Sessions/Session_1":                            "x",
	"Default/Sessions_Encrypted/Tabs_1":                     "x",
	"Default/Current Session":                               "x",
	"Default/Last Session":                                  "x",
	"Default/Current Tabs":                                  "x",
	"Default/Last Tabs":                                     "x",
	"Default/LOG":                                           "x",
	"Default/LOG.old":                                       "x",
	"chrome_debug.log":                                      "x",
	"lockfile":                                              "x",
	"DevToolsActivePort":                                    "9222\n/devtools/browser/x",
	"Crashpad/reports/a.dmp":                                "x",
	"Crash Reports/b.dmp":                                   "x",
	"BrowserMetrics-spare.pma":                              "x",
}

var wantCloneFiles = []string{
	"Default/Cookies",
	"Default/Cookies-journal",
	"Default/Local Storage/leveldb/000003.log",
	"Default/Local Storage/leveldb/CURRENT",
	"Default/Local Storage/leveldb/MANIFEST-000001",
	"Default/Login Data",
	"Default/Network/Cookies",
	"Default/Preferences",
	"Default/Secure Preferences",
	"Default/Site Characteristics Database/000003.log",
	"Default/Site Characteristics Database/CURRENT",
	"Default/Web Data",
	"Last Version",
	"Local State",
	"Profile 1/Preferences",
	lockFileName,
}

func TestCloneKeepsSessionAndSkipsTheRest(t *testing.T) {
	m := newTestManager(t, Options{})
	writeTree(t, m.Base(), sampleProfile)
	if err := os.Symlink("SingletonLockTarget-1", filepath.Join(m.Base(), "SingletonCookie")); err != nil {
		t.Fatal(err)
	}

	c, err := m.Clone(t.Context(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := listTree(t, c.Dir); !slices.Equal(got, wantCloneFiles) {
		t.Errorf("clone holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantCloneFiles, "\n"))
	}
	var want int64
	for _, rel := range wantCloneFiles {
		if strings.HasSuffix(rel, "Preferences") && !strings.Contains(rel, "Secure") || rel == lockFileName {
			continue // rewritten or written by the clone
		}
		b, err := os.ReadFile(filepath.Join(c.Dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != sampleProfile[rel] {
			t.Errorf("%s holds %q, want %q", rel, b, sampleProfile[rel])
		}
	}
	for rel, content := range sampleProfile {
		if slices.Contains(wantCloneFiles, rel) {
			want += int64(len(content))
		}
	}
	if c.Bytes != want {
		t.Errorf("Bytes = %d, want %d", c.Bytes, want)
	}
	if c.Worker != 3 || len(c.Skipped) != 0 {
		t.Errorf("Worker = %d, Skipped = %q; want 3 and none", c.Worker, c.Skipped)
	}
	name := filepath.Base(c.Dir)
	if re := regexp.MustCompile(`^worker-3-` + strconv.Itoa(os.Getpid()) + `-\w+$`); !re.MatchString(name) || filepath.Dir(c.Dir) != m.ClonesDir() {
		t.Errorf("clone at %s, want %s/worker-3-<pid>-<random>", c.Dir, m.ClonesDir())
	}
	for _, prefs := range []string{"Default/Preferences", "Profile 1/Preferences"} {
		p := readPrefs(t, filepath.Join(c.Dir, prefs))
		if p.Profile.ExitType != "Crashed" || p.Profile.ExitedCleanly == nil || *p.Profile.ExitedCleanly {
			t.Errorf("%s: profile = %+v, want a crashed exit", prefs, p.Profile)
		}
	}
	o, err := readLock(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if o.PID != os.Getpid() {
		t.Errorf("lock names pid %d, want %d", o.PID, os.Getpid())
	}
}

func TestCloneModes(t *testing.T) {
	m := newTestManager(t, Options{})
	writeTree(t, m.Base(), sampleProfile)
	c, err := m.Clone(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(c.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = fs.ModeDir | 0o700
		}
		if info.Mode() != want {
			t.Errorf("%s has mode %v, want %v", p, info.Mode(), want)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < len(wantCloneFiles) {
		t.Fatalf("walked %d items, want at least %d", n, len(wantCloneFiles))
	}
}

func TestCloneCreatesMissingPreferences(t *testing.T) {
	m := newTestManager(t, Options{}) // an empty base: a fresh login never finished
	c, err := m.Clone(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	p := readPrefs(t, filepath.Join(c.Dir, "Default", "Preferences"))
	if p.Profile.ExitType != "Crashed" {
		t.Errorf("exit_type = %q, want Crashed", p.Profile.ExitType)
	}
}

func TestCloneSizeCap(t *testing.T) {
	var logs testkit.Buffer
	m := newTestManager(t, Options{MaxSizeMB: 1, Logger: logs.Logger()})
	big := strings.Repeat("x", 1<<20+1)
	third := strings.Repeat("y", 400<<10)
	writeTree(t, m.Base(), map[string]string{
		"Default/Preferences":                      "{}",
		"Default/Shared Dictionary/db":             big,   // one file over the cap
		"Default/File System/a/x.js":               third, // a folder over the cap, no file over it
		"Default/File System/b/y.js":               third,
		"Default/File System/c/z.js":               third,
		"Default/Cookies":                          big, // essential: copied whatever its size
		"Default/Local Storage/leveldb/000005.ldb": big,
		"Default/Web Data":                         third,
	})
	c, err := m.Clone(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	wantSkipped := []string{filepath.Join("Default", "File System"), filepath.Join("Default", "Shared Dictionary")}
	if !slices.Equal(c.Skipped, wantSkipped) {
		t.Errorf("Skipped = %q, want %q", c.Skipped, wantSkipped)
	}
	want := []string{"Default/Cookies", "Default/Local Storage/leveldb/000005.ldb", "Default/Preferences", "Default/Web Data", lockFileName}
	if got := listTree(t, c.Dir); !slices.Equal(got, want) {
		t.Errorf("clone holds %q, want %q", got, want)
	}
	out := logs.String()
	for _, item := range wantSkipped {
		if !strings.Contains(out, "level=WARN") || !strings.Contains(out, item) {
			t.Errorf("no warning naming %s in the log:\n%s", item, out)
		}
	}
}

func TestCloneRefusesBaseInUse(t *testing.T) {
	m := newTestManager(t, Options{})
	writeTree(t, m.Base(), sampleProfile)
	lock := filepath.Join(m.Base(), "SingletonLock")
	if err := os.Symlink(fmt.Sprintf("%s-%d", hostname(), os.Getpid()), lock); err != nil {
		t.Fatal(err)
	}
	_, err := m.Clone(t.Context(), 0)
	var inUse *BaseInUseError
	if !errors.As(err, &inUse) || !errors.Is(err, ErrBaseInUse) {
		t.Fatalf("Clone = %v, want a BaseInUseError", err)
	}
	for _, want := range []string{m.Base(), fmt.Sprintf("pid %d", os.Getpid()), "coupatui login"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if items, _ := os.ReadDir(m.ClonesDir()); len(items) != 0 {
		t.Errorf("a refused clone left %d items in %s", len(items), m.ClonesDir())
	}
}

func TestCloneMissingBase(t *testing.T) {
	root := t.TempDir()
	m, err := New(Options{Base: filepath.Join(root, "nope"), ClonesDir: filepath.Join(root, "clones")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Clone(t.Context(), 0)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "coupatui login") {
		t.Fatalf("Clone = %v, want a not-exist error naming coupatui login", err)
	}
	if err := m.EnsureBase(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(m.Base())
	if err != nil || info.Mode() != fs.ModeDir|0o700 {
		t.Fatalf("after EnsureBase: %v, %v; want a 0700 folder", info, err)
	}
	if _, err := m.Clone(t.Context(), 0); err != nil {
		t.Fatalf("Clone of an empty base: %v", err)
	}
}

func TestCloneCancelled(t *testing.T) {
	m := newTestManager(t, Options{})
	writeTree(t, m.Base(), sampleProfile)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := m.Clone(ctx, 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Clone = %v, want context.Canceled", err)
	}
	if items, _ := os.ReadDir(m.ClonesDir()); len(items) != 0 {
		t.Errorf("a cancelled clone left %d items", len(items))
	}
}

// The base is read, never written: not a byte, not a mode, not a new file.
func TestCloneLeavesBaseUntouched(t *testing.T) {
	m := newTestManager(t, Options{})
	writeTree(t, m.Base(), sampleProfile)
	before := snapshotTree(t, m.Base())
	for i := range 2 {
		if _, err := m.Clone(t.Context(), i); err != nil {
			t.Fatal(err)
		}
	}
	if after := snapshotTree(t, m.Base()); !maps.Equal(before, after) {
		t.Errorf("the base changed:\nbefore %v\nafter  %v", before, after)
	}
}

// A link in the base is not followed: it could point a clone back into the
// base, or anywhere.
func TestCloneLeavesOutLinks(t *testing.T) {
	m := newTestManager(t, Options{})
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"secret": "s"})
	writeTree(t, m.Base(), map[string]string{"Default/Preferences": "{}"})
	if err := os.Symlink(outside, filepath.Join(m.Base(), "Default", "Linked")); err != nil {
		t.Fatal(err)
	}
	c, err := m.Clone(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Default/Preferences", lockFileName}
	if got := listTree(t, c.Dir); !slices.Equal(got, want) {
		t.Errorf("clone holds %q, want %q", got, want)
	}
}

func TestCloneConcurrent(t *testing.T) {
	m := newTestManager(t, Options{Concurrency: 3})
	writeTree(t, m.Base(), sampleProfile)
	const n = 8
	clones := make([]*Clone, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { clones[i], errs[i] = m.Clone(t.Context(), i) })
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, c := range clones {
		if errs[i] != nil {
			t.Fatalf("clone %d: %v", i, errs[i])
		}
		if seen[c.Dir] {
			t.Fatalf("two clones share %s", c.Dir)
		}
		seen[c.Dir] = true
		if got := listTree(t, c.Dir); !slices.Equal(got, wantCloneFiles) {
			t.Errorf("clone %d holds %q", i, got)
		}
	}
	// Remove half concurrently with RemoveAll: each clone goes exactly once.
	for _, c := range clones[:n/2] {
		wg.Go(func() {
			if err := c.Remove(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Go(func() {
		if err := m.RemoveAll(); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	if items, _ := os.ReadDir(m.ClonesDir()); len(items) != 0 {
		t.Errorf("%d items left after removing every clone", len(items))
	}
	if err := clones[0].Remove(); err != nil {
		t.Errorf("second Remove: %v", err)
	}
}

func TestNewRejects(t *testing.T) {
	root := t.TempDir()
	for _, opts := range []Options{
		{Base: root, ClonesDir: filepath.Join(root, "clones")},
		{Base: filepath.Join(root, "c", "base"), ClonesDir: filepath.Join(root, "c")},
		{Base: filepath.Join(root, "b"), ClonesDir: filepath.Join(root, "c"), MaxSizeMB: -1},
		{Base: filepath.Join(root, "b")},
		{ClonesDir: filepath.Join(root, "c")},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("New(%+v) accepted", opts)
		}
	}
	if _, err := New(Options{Base: filepath.Join(root, "b"), ClonesDir: filepath.Join(root, "b2")}); err != nil {
		t.Errorf("sibling folders with a common prefix: %v", err)
	}
}

type fileState struct {
	mode    fs.FileMode
	size    int64
	modTime int64
	content string
	link    string
}

func snapshotTree(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		s := fileState{mode: info.Mode(), size: info.Size(), modTime: info.ModTime().UnixNano()}
		switch {
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s.content = string(b)
		case info.Mode()&fs.ModeSymlink != 0:
			s.link, _ = os.Readlink(p)
		}
		out[p] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
