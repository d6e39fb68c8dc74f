package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
	"coupatui/sheet"
	"coupatui/vocab"
)

// fullDiskPOs are 32 POs of 2 or 3 files, ~9 MB in all, every fetch path.
func fullDiskPOs() []sim.PO {
	shapes := []sim.Shape{sim.ShapeAttachmentLink, sim.ShapeDownloadLink, sim.ShapeButton, sim.ShapeDownloadAttr, sim.ShapeScriptRedirect}
	return numberedPOs(4500600000, 32, func(i int) sim.PO {
		po := sim.PO{Supplier: fmt.Sprintf("Supplier %d", i%4), Want: vocab.Completed}
		for j := range 2 + i%2 {
			po.Attachments = append(po.Attachments, sim.Attachment{
				Name: fmt.Sprintf("doc-%d.pdf", j), Size: (60 + 40*j + 7*i) << 10, Shape: shapes[(i+j)%len(shapes)]})
		}
		return po
	})
}

// Without the console, a full disk stops dispatch, writes the workbook and
// exits 4 naming the folder; no row is FAILED or PARTIAL for it, nothing
// complete is deleted and nothing partial is left. Once space is freed,
// the same command finishes the run with every file intact.
func TestFullDiskExitsFourAndTheRerunFinishes(t *testing.T) {
	needBrowser(t)
	disk := testkit.Tmpfs(t, 2<<20)
	dir := t.TempDir()
	pos := fullDiskPOs()
	srv, input := servePOList(t, dir, sim.Options{Seed: 11, POs: pos})
	args := []string{"--no-tui", "--workers", "3", "--out", disk, "--base-url", srv.URL(), input}

	a := runApp(t, dir, 4*time.Minute, args...)
	out := a.stderr.String()
	if a.code != exitDiskFull || !strings.Contains(out, "disk full at "+disk) || !strings.Contains(out, "free space and run again") {
		t.Fatalf("exit %d, want %d saying where the disk is full\nstderr:\n%s", a.code, exitDiskFull, out)
	}
	res, err := sheet.ReadResults(filepath.Join(dir, "pos_results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[string]int{}
	for _, r := range res.Rows {
		byStatus[string(r.Outcome.Status)]++
	}
	if byStatus["COMPLETED"]+byStatus["PENDING"] != len(pos) || byStatus["PENDING"] == 0 {
		t.Fatalf("statuses %v: want only COMPLETED and PENDING rows, some PENDING\nstderr:\n%s", byStatus, out)
	}
	t.Logf("on a full disk: %v", byStatus)
	kept := checkFilesComplete(t, srv, disk)
	t.Logf("%d complete files kept on the full disk", kept)

	testkit.ResizeTmpfs(t, disk, 64<<20) // the operator frees space
	a = runApp(t, dir, 4*time.Minute, args...)
	if a.code != exitOK {
		t.Fatalf("re-run: exit %d\n%s", a.code, a.stderr.String())
	}
	res, err = sheet.ReadResults(filepath.Join(dir, "pos_results.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rows {
		if r.Outcome.Status != "COMPLETED" {
			t.Errorf("after the re-run PO%s is %s: %s", r.PO, r.Outcome.Status, r.Outcome.Error)
		}
	}
	total := 0
	for _, po := range pos {
		total += len(po.Attachments)
	}
	if n := checkFilesComplete(t, srv, disk); n != total {
		t.Errorf("%d files on disk after the re-run, want %d", n, total)
	}
}

// A results workbook that cannot be written for lack of space is exit 4
// too, with the earlier workbook left as it was.
func TestFullDiskUnderTheWorkbookExitsFour(t *testing.T) {
	needBrowser(t)
	disk := testkit.Tmpfs(t, 256<<10)
	dir := t.TempDir()
	srv := sim.Start(t, sim.Options{POs: []sim.PO{{ID: "4500600100", Supplier: "Acme", Want: vocab.Completed,
		Attachments: []sim.Attachment{{Name: "a.pdf", Size: 1000}}}}})
	input := filepath.Join(dir, "pos.csv")
	os.WriteFile(input, []byte("PO_NUMBER;Note\n4500600100;"+strings.Repeat("x", 4000)+"\n"), 0o600)
	report := filepath.Join(disk, "results.xlsx")
	os.WriteFile(report, []byte("an earlier workbook"), 0o600)
	if err := os.WriteFile(filepath.Join(disk, "filler"), make([]byte, 256<<10), 0o600); err == nil {
		t.Fatal("the filler fit: the disk is not full")
	}
	a := runApp(t, dir, 2*time.Minute, "--no-tui", "--report", report, "--base-url", srv.URL(), input)
	if a.code != exitDiskFull || !strings.Contains(a.stderr.String(), "disk full at "+disk) {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", a.code, exitDiskFull, a.stderr.String())
	}
	if b, _ := os.ReadFile(report); string(b) != "an earlier workbook" {
		t.Errorf("the earlier workbook changed")
	}
}

// checkFilesComplete walks root: every file must be one of the server's,
// whole (its SHA-256), in a PO folder, with no partial or temp file. It
// returns how many there are.
func checkFilesComplete(t *testing.T, srv *sim.Server, root string) int {
	t.Helper()
	want := map[string]bool{}
	for _, po := range srv.Catalogue() {
		for _, f := range srv.Expected(po.ID) {
			want[f.SHA256] = true
		}
	}
	n := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		if filepath.Dir(p) == root && strings.HasPrefix(d.Name(), ".coupatui.lock") {
			return nil // the run's lock on the download root
		}
		if strings.HasPrefix(d.Name(), ".") {
			t.Errorf("partial or temp entry left: %s", p)
		}
		if d.IsDir() {
			return nil
		}
		if !want[hashFile(t, p)] {
			t.Errorf("%s is not a complete file of the server", p)
		}
		n++
		return nil
	})
	return n
}

// A results path that would replace the input or cannot be written is
// refused before any work, with one message: the check comes before the
// browser is even looked for (this config names none that exists).
func TestResultsPathCheckedBeforeAnyWork(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "pos.xlsx")
	if err := sheet.WriteInput(input, []string{"PO_NUMBER"}, [][]string{{"4500700001"}}); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link_results.xlsx")
	if err := os.Symlink(input, link); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder_results.xlsx")
	os.Mkdir(folder, 0o755)
	readOnly := filepath.Join(testkit.ReadOnlyDir(t), "results.xlsx")
	cfg := writeConfig(t, dir, "[browser]", `exec_path = "/nonexistent/chrome"`)
	for _, c := range []struct{ name, report, want string }{
		{"a link to the input", link, "is a link to the input"},
		{"an existing folder", folder, "is a folder"},
		{"a read-only folder", readOnly, "cannot write in its folder"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := hashFile(t, input)
			a := runApp(t, dir, time.Minute, "--no-tui", "--config", cfg, "--base-url", "https://acme.example", "--report", c.report, input)
			msg := strings.TrimSpace(a.stderr.String())
			if a.code != exitFatal || strings.Contains(msg, "\n") || !strings.Contains(msg, "results workbook") || !strings.Contains(msg, c.want) {
				t.Fatalf("exit %d, stderr %q: want exit 1 and one message saying %q before the browser is looked for", a.code, msg, c.want)
			}
			if hashFile(t, input) != before {
				t.Fatal("the input changed")
			}
		})
	}
}

// throttlePOs are n POs of two small files each, every fetch path.
func throttlePOs(n int) []sim.PO {
	return numberedPOs(4500800000, n, func(i int) sim.PO {
		return sim.PO{Supplier: "Acme", Want: vocab.Completed, Attachments: []sim.Attachment{
			{Name: "quote.pdf", Size: 8000 + i, Shape: sim.Shapes[i%len(sim.Shapes)]},
			{Name: "terms.pdf", Size: 6000 + i, Shape: sim.Shapes[(i+1)%len(sim.Shapes)]},
		}}
	})
}

// [coupa] max_requests_per_second caps page loads plus file requests
// across the pool: the simulator never sees more than the cap allows in
// any second, and so never has to push back.
func TestRequestRateCapHeldAcrossThePool(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	pos := throttlePOs(12)
	srv := sim.Start(t, sim.Options{Seed: 12, POs: pos, NoAssets: true,
		Throttle: &sim.Throttle{PerSecond: 6, Burst: 3, RetryAfter: time.Second}})
	input := writePOList(t, dir, "pos.csv", pos)
	cfg := writeConfig(t, dir, "[coupa]", "max_requests_per_second = 4")
	a := runApp(t, dir, 4*time.Minute, "--no-tui", "--workers", "3", "--config", cfg, "--base-url", srv.URL(), input)
	if a.code != exitOK || strings.Count(a.stderr.String(), " COMPLETED ") != len(pos) {
		t.Fatalf("exit %d\n%s", a.code, a.stderr.String())
	}
	arr := srv.Arrivals()
	perSecond, perTwo := sim.MaxInWindow(arr, time.Second), sim.MaxInWindow(arr, 2*time.Second)
	rate := float64(len(arr)-1) / arr[len(arr)-1].Sub(arr[0]).Seconds()
	t.Logf("%d page and file requests at %.2f/s on average, at most %d in any second, %d in any two; %d answered 429",
		len(arr), rate, perSecond, perTwo, srv.Stats().Throttled)
	// The cap lets 4 a second go, one at a time: at most 9 in two seconds.
	// The server sees arrival times, which a browser under load shifts by
	// a few hundred ms against the times the requests were let go: one
	// more. (Uncapped, such a run sends 14 in a second, 21 in two, here.)
	if perTwo > 10 {
		t.Errorf("%d requests within two seconds, cap 4 a second", perTwo)
	}
	if n := srv.Stats().Throttled; n != 0 {
		t.Errorf("%d requests answered 429: the cap did not keep the pool under the site's limit", n)
	}
}

// A 429 with Retry-After, on a page or a file, pauses every worker's
// requests until then: none arrives inside the pause (past the grace for
// requests already on their way), and the run goes on to complete every
// PO. Both forms of Retry-After, seconds and an HTTP date.
func TestRetryAfterPausesEveryWorker(t *testing.T) {
	needBrowser(t)
	for _, tc := range []struct {
		name     string
		throttle sim.Throttle
	}{
		{"seconds", sim.Throttle{PerSecond: 5, Burst: 2, RetryAfter: time.Second}},
		{"HTTP date", sim.Throttle{PerSecond: 5, Burst: 2, RetryAfter: 2 * time.Second, HTTPDate: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			pos := throttlePOs(8)
			srv, input := servePOList(t, dir, sim.Options{Seed: 13, POs: pos, NoAssets: true, Throttle: &tc.throttle})
			a := runApp(t, dir, 4*time.Minute, "--no-tui", "--workers", "3", "--base-url", srv.URL(), input)
			st := srv.Stats()
			t.Logf("%d pauses, %d requests answered 429, %d inside a pause past its grace", st.Pauses, st.Throttled, st.TooEarly)
			if a.code != exitOK || strings.Count(a.stderr.String(), " COMPLETED ") != len(pos) {
				t.Fatalf("exit %d: want every PO COMPLETED\n%s", a.code, a.stderr.String())
			}
			if st.Pauses == 0 {
				t.Fatal("the simulator never pushed back: the test shows nothing")
			}
			if st.TooEarly != 0 {
				t.Errorf("%d requests came inside a Retry-After pause", st.TooEarly)
			}
		})
	}
}
