package main

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/monitor"
)

const module = "coupatui"

// TestArchitectureImports keeps the import graph in docs/ARCHITECTURE.md
// true: its `imports` block must list, for every package of the module,
// the module's packages it imports (test files excluded). On a mismatch
// the message holds the block to paste.
func TestArchitectureImports(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start := strings.Index(text, "```imports\n")
	end := strings.Index(text[start+1:], "```\n")
	if start < 0 || end < 0 {
		t.Fatal("docs/ARCHITECTURE.md has no ```imports block")
	}
	documented := strings.TrimSpace(text[start+len("```imports\n") : start+1+end])
	want := importGraph(t)
	if documented != want {
		t.Errorf("the import graph in docs/ARCHITECTURE.md is not the code's; write this in its imports block:\n%s", want)
	}
	for _, line := range strings.Split(want, "\n") {
		pkg, deps, _ := strings.Cut(line, " → ")
		switch {
		case pkg != "main" && slices.Contains(strings.Fields(deps), "coupa/sim"):
			t.Errorf("%s imports coupa/sim: only main may (the simulator is for demo, bench and tests)", pkg)
		case pkg == "vocab" && deps != "":
			t.Errorf("vocab imports %s: the domain words must stay a leaf every layer can import", deps)
		}
	}
}

// importGraph lists each package of the module, one line a package:
// "pkg → dep dep ..." with the module prefix dropped ("main" for the root).
func importGraph(t *testing.T) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "docs" || name == "scripts") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		var deps []string
		for _, imp := range pkg.Imports {
			if imp == module || strings.HasPrefix(imp, module+"/") {
				deps = append(deps, shortName(imp))
			}
		}
		slices.Sort(deps)
		line := shortName(filepath.ToSlash(filepath.Join(module, path)))
		if len(deps) > 0 {
			line += " → " + strings.Join(deps, " ")
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func shortName(importPath string) string {
	if importPath == module {
		return "main"
	}
	return strings.TrimPrefix(importPath, module+"/")
}

// TestArchitectureDefaultsHaveOneSource keeps §3's claim that
// config.Default is the one source of defaults: the packages that fall
// back to a default of their own when a caller leaves a field zero must
// fall back to config.Default's value.
func TestArchitectureDefaultsHaveOneSource(t *testing.T) {
	d := config.Default()
	for _, c := range []struct {
		key       string
		own, want any
	}{
		{"monitor.sample_interval", monitor.DefaultInterval, d.Monitor.SampleInterval.Duration},
		{"pool.memory_threshold", monitor.DefaultThreshold, d.Pool.MemoryThreshold},
		{"monitor.memory_critical", monitor.DefaultCritical, d.Monitor.MemoryCritical},
		{"monitor.pressure_window", monitor.DefaultWindow, d.Monitor.PressureWindow.Duration},
		{"pool.worker_startup_timeout", browser.DefaultStartTimeout, d.Pool.WorkerStartupTimeout.Duration},
	} {
		if c.own != c.want {
			t.Errorf("%s: the package's own default is %v, config.Default has %v", c.key, c.own, c.want)
		}
	}
}
