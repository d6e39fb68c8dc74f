package coupa_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"coupatui/browser"
	"coupatui/coupa"
	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/vocab"
)

// sharedBrowser is one browser for every test that does not need its own,
// started by the first of them.
var sharedBrowser = testkit.NewShared(launchShared, closeShared)

func TestMain(m *testing.M) { testkit.Main(m, sharedBrowser) }

func launchShared(exe string) (*browser.Browser, error) {
	profile, err := os.MkdirTemp("", "coupa-test-profile-")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := workerOptions(profile)
	opts.ExecPath = exe
	b, err := browser.Launch(ctx, opts)
	if err != nil {
		os.RemoveAll(profile)
		return nil, err
	}
	return b, nil
}

func closeShared(b *browser.Browser) error {
	defer os.RemoveAll(b.ProfileDir())
	return b.Close()
}

// workerOptions are the options a pool worker's browser has.
func workerOptions(profile string) browser.Options {
	return browser.Options{
		Headless:       true,
		ProfileDir:     profile,
		BlockResources: true,
		Headers:        map[string][]string{"Coupatui-Worker": {"w1"}},
	}
}

// newSite is a Site on srv with a fresh download root and short bounds.
func newSite(t *testing.T, srv *sim.Server) *coupa.Site {
	t.Helper()
	return &coupa.Site{
		BaseURL:       srv.URL(),
		Root:          t.TempDir(),
		PRFallback:    true,
		PageTimeout:   20 * time.Second,
		MarkerTimeout: 15 * time.Second,
	}
}

func process(t *testing.T, s *coupa.Site, b *browser.Browser, po string) coupa.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return s.Process(ctx, b, coupa.Job{PO: po}, nil)
}

// assertFiles checks the PO's folder holds exactly the files the server
// expects, by SHA-256, and nothing else.
func assertFiles(t *testing.T, srv *sim.Server, res coupa.Result) {
	t.Helper()
	want := srv.Expected(res.PO)
	var wantSums []string
	for _, f := range want {
		wantSums = append(wantSums, f.SHA256)
	}
	var gotSums, names []string
	if res.Folder != "" {
		entries, err := os.ReadDir(res.Folder)
		if err != nil {
			t.Fatalf("read folder: %v", err)
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				t.Errorf("stray entry %q in %s", e.Name(), res.Folder)
				continue
			}
			b, err := os.ReadFile(filepath.Join(res.Folder, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			gotSums = append(gotSums, hex.EncodeToString(sum[:]))
			names = append(names, e.Name())
		}
	}
	slices.Sort(wantSums)
	slices.Sort(gotSums)
	if !slices.Equal(gotSums, wantSums) {
		t.Errorf("PO %s: folder %q holds %d files %q; want %d files with the expected SHA-256", res.PO, res.Folder, len(gotSums), names, len(wantSums))
	}
	if res.Downloaded != len(want) && res.Status == vocab.Completed {
		t.Errorf("PO %s: Downloaded = %d, want %d", res.PO, res.Downloaded, len(want))
	}
}

// assertContained walks root: every file must be directly inside a PO
// folder (PO<digits>_<STATUS>), and no work folder may be left.
func assertContained(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasSuffix(d.Name(), "__WORK") {
				t.Errorf("work folder left: %s", p)
			}
			return nil
		}
		parent := filepath.Base(filepath.Dir(p))
		if !strings.HasPrefix(parent, "PO") || !strings.Contains(parent, "_") {
			t.Errorf("file outside a PO folder: %s", p)
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Errorf("file outside the root: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func att(name string, size int, shape sim.Shape) sim.Attachment {
	return sim.Attachment{Name: name, Size: size, Shape: shape}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
