package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coupatui/coupa/sim"
	"coupatui/internal/testkit"
)

// TestDemoInAnEmptyEnvironment runs the demo as cron or `env -i` would:
// no LANG, no XDG variables, TERM=dumb. POs whose supplier folder has
// non-ASCII letters ("Indústria Açores", "Böhm & Söhne GmbH") used to end
// FAILED or PARTIAL: the browser wrote their files nowhere. With
// --save-pages every PO's page is kept in the state folder, privately.
func TestDemoInAnEmptyEnvironment(t *testing.T) {
	needBrowser(t)
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "demo", "--no-tui", "--save-pages", "--dir", "demo")
	cmd.Dir = home
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TERM=dumb", "COUPATUI_RUN_MAIN=1"}
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) || ctx.Err() != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	n := len(sim.Demo(1).POs)
	if cmd.ProcessState.ExitCode() != exitOK || !strings.Contains(string(out), fmt.Sprintf("all %d POs ended as the simulator meant", n)) {
		t.Fatalf("demo in an empty environment: exit %d\n%s", cmd.ProcessState.ExitCode(), out)
	}
	// UNRECOGNISED is retried like a transient failure, then final, and
	// its line says where its page is.
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "] PO4500001048 ") && (!strings.Contains(line, "UNRECOGNISED") ||
			!strings.Contains(line, "4 attempts") || !strings.Contains(line, "page saved to "+filepath.Join(home, "demo", "pages", "pos", "PO4500001048.html"))) {
			t.Errorf("progress line %q", line)
		}
	}
	for _, folder := range []string{"Indústria Açores/PO4500001035_COMPLETED/Contrato de serviço.pdf",
		"Böhm & Söhne GmbH/PO4500001002_COMPLETED/Specs rev B.docx"} {
		if _, err := os.Stat(filepath.Join(home, "demo", "downloads", folder)); err != nil {
			t.Errorf("browser download into a non-ASCII folder: %v", err)
		}
	}
	pages := filepath.Join(home, "demo", "pages", "pos")
	for _, po := range sim.Demo(1).POs {
		if _, err := os.Stat(filepath.Join(pages, "PO"+po.ID+".html")); err != nil {
			t.Errorf("--save-pages: %v", err)
		}
	}
	entries, err := os.ReadDir(pages)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if info, err := e.Info(); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("saved page %s is not private: %v", e.Name(), info.Mode())
		}
	}
}

// TestDemoOnTheFullBrowser runs the demo's workers on the full browser,
// as where no headless shell is installed (macOS's Chrome, Ubuntu's snap):
// everything else runs on the shell, so without this nothing would show
// that the full browser still gets every PO right.
func TestDemoOnTheFullBrowser(t *testing.T) {
	full := testkit.LoginChromium(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "[browser]", fmt.Sprintf("exec_path = %q", full))
	a := runApp(t, dir, 4*time.Minute, "demo", "--no-tui", "--config", cfg, "--dir", "demo")
	n := len(sim.Demo(1).POs)
	if a.code != exitOK || !strings.Contains(a.stderr.String(), fmt.Sprintf("all %d POs ended as the simulator meant", n)) {
		t.Fatalf("demo on %s: exit %d\n%s", full, a.code, a.stderr.String())
	}
	log, err := os.ReadFile(filepath.Join(dir, "demo", "coupatui.log"))
	if err != nil {
		t.Fatal(err)
	}
	if started := strings.Count(string(log), `msg="browser started"`); started == 0 ||
		strings.Count(string(log), fmt.Sprintf("exec=%s ", full)) != started {
		t.Errorf("not every worker ran %s: %d started, log:\n%s", full, started, log)
	}
}

func TestDemoInspect(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	for po, want := range map[string][]string{
		"4500001043": {"outcome      COMPLETED once its 2 file(s) download", `section      heading "Anexos"`,
			`supplier     Ribeiro & Filhos Lda (from the label "Fornecedor")`, "1. Nota fiscal 3391.pdf",
			"click in the page (the browser's download)", "the simulator means it to end COMPLETED"},
		"4500001014": {"outcome      COMPLETED", "HTTP GET http://127.0.0.1:", "/order_headers/4500001014/attachments/",
			"/requisition_headers/2100001 (its files are fetched too: the PO shows no PDF)", "supplier     Stark Logistics (from the marker .supplier-info span)"},
		"4500001048": {"outcome      UNRECOGNISED: the attachments section", "not a file", "page saved   " + filepath.Join(dir, "demo", "pages", "inspect", "PO4500001048.html")},
		"4500001054": {"outcome      PO_NOT_FOUND", "Desculpe, não encontramos"},
	} {
		a := runApp(t, dir, 2*time.Minute, "demo", "--dir", "demo", "--inspect", po)
		if a.code != exitOK {
			t.Fatalf("demo --inspect %s: exit %d\n%s%s", po, a.code, a.stdout.String(), a.stderr.String())
		}
		for _, w := range want {
			if !strings.Contains(a.stdout.String(), w) {
				t.Errorf("demo --inspect %s lacks %q:\n%s", po, w, a.stdout.String())
			}
		}
	}
	if a := runApp(t, dir, time.Minute, "demo", "--dir", "demo", "--inspect", "12AB"); a.code != exitFatal ||
		!strings.Contains(a.stderr.String(), `"12AB" is not a PO number`) {
		t.Errorf("a bad PO: exit %d %s", a.code, a.stderr.String())
	}
}

// [coupa.selectors] reach what the built-in rules leave out, and a bad
// selector stops the run before any work with one message naming the
// file, the key and the selector.
func TestSelectorsFromTheConfig(t *testing.T) {
	needBrowser(t)
	dir := t.TempDir()
	good := writeConfig(t, dir, "[coupa.selectors]", `attachments = ["li > span.tile"]`)
	a := runApp(t, dir, 2*time.Minute, "demo", "--dir", "demo", "--config", good, "--inspect", "4500001048")
	if a.code != exitOK || !strings.Contains(a.stdout.String(), "outcome      COMPLETED once its 2 file(s) download") ||
		!strings.Contains(a.stdout.String(), "found by selector li > span.tile") {
		t.Errorf("with a selector for the tiles: exit %d\n%s%s", a.code, a.stdout.String(), a.stderr.String())
	}
	bad := writeConfig(t, dir, "[coupa.selectors]", `supplier = [".vendor"]`, `error = ["div..alert"]`)
	a = runApp(t, dir, 2*time.Minute, "demo", "--no-tui", "--dir", "demo", "--config", bad)
	want := bad + `: coupa.selectors.error: "div..alert" is not a valid CSS selector`
	if a.code != exitFatal || !strings.Contains(a.stderr.String(), want) || strings.Contains(a.stderr.String(), "] PO") {
		t.Errorf("a bad selector: exit %d, want 1 and %q before any PO\n%s", a.code, want, a.stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "demo", "pos_results.xlsx")); err == nil {
		t.Error("a results workbook was written for a run that never started")
	}
}
