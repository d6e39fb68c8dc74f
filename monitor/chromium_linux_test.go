package monitor

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"coupatui/internal/testkit"
)

// startChromium starts a headless Chromium on about:blank in its own process
// group and returns its pid once its tree has at least three processes. The
// whole group is killed and the browser waited for in Cleanup.
func startChromium(tb testing.TB) int {
	tb.Helper()
	return startChromiums(tb, 1)[0]
}

// startChromiums starts n browsers at once and waits for all of them.
func startChromiums(tb testing.TB, n int) []int {
	tb.Helper()
	exe := testkit.Chromium(tb)
	pids := make([]int, n)
	for i := range pids {
		pids[i] = launchChromium(tb, exe)
	}
	// Chromium gives no signal when its helpers are up: poll, bounded. The
	// Debian launcher is a shell script that runs helpers of its own before
	// it execs the browser, so count only once the pid is no longer a shell.
	deadline := time.Now().Add(60 * time.Second)
	for _, pid := range pids {
		for {
			running, _ := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "exe"))
			if running != "" && !isShell(running) && len(kernelTree(tb, pid)) >= 3 {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("Chromium %d: fewer than 3 processes after 60s", pid)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return pids
}

// isShell tells a launcher script's interpreter from the browser it execs.
func isShell(exe string) bool {
	switch filepath.Base(exe) {
	case "sh", "dash", "bash":
		return true
	}
	return false
}

func launchChromium(tb testing.TB, exe string) int {
	tb.Helper()
	// Both folders are removed after the Cleanup below has killed the
	// browser. Chromium keeps its singleton socket in a folder of its own
	// under TMPDIR, which a killed browser never removes.
	profile, tmp := tb.TempDir(), tb.TempDir()
	cmd := exec.Command(exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update",
		"--user-data-dir="+profile, "about:blank")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting %s: %v", exe, err)
	}
	pid := cmd.Process.Pid
	tb.Cleanup(func() {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	return pid
}

// waitSettled polls until the browsers' process count has not changed for
// three polls: Chromium starts helpers for a while after its first three
// and says nothing when it is done. On a loaded machine it may never look
// settled; after maxWait the caller goes on with a note.
func waitSettled(tb testing.TB, pids []int, maxWait time.Duration) int {
	tb.Helper()
	deadline := time.Now().Add(maxWait)
	last, same := -1, 0
	for same < 3 {
		if time.Now().After(deadline) {
			tb.Logf("browser trees still changing after %v (%d processes)", maxWait, last)
			return last
		}
		time.Sleep(500 * time.Millisecond)
		n := 0
		for _, pid := range pids {
			n += len(kernelTree(tb, pid))
		}
		if n == last {
			same++
		} else {
			last, same = n, 0
		}
	}
	return last
}

// kernelTree lists root and its descendants from /proc, written apart from
// the package's scanner so the test checks it rather than repeats it.
func kernelTree(tb testing.TB, root int) []int {
	tb.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		tb.Fatal(err)
	}
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		fields := strings.Fields(s[strings.LastIndex(s, ")")+1:])
		ppid, _ := strconv.Atoi(fields[1])
		parent[pid] = ppid
	}
	in := map[int]bool{root: true}
	for changed := true; changed; {
		changed = false
		for pid, ppid := range parent {
			if in[ppid] && !in[pid] {
				in[pid] = true
				changed = true
			}
		}
	}
	if _, ok := parent[root]; !ok {
		return nil
	}
	out := make([]int, 0, len(in))
	for pid := range in {
		out = append(out, pid)
	}
	return out
}

// kernelSum adds one "<key>: N kB" line over the given processes, from file
// (smaps_rollup for Pss, status for VmRSS).
func kernelSum(tb testing.TB, pids []int, file, key string) uint64 {
	tb.Helper()
	var total uint64
	for _, pid := range pids {
		f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), file))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) == 3 && fields[0] == key+":" && fields[2] == "kB" {
				kb, err := strconv.ParseUint(fields[1], 10, 64)
				if err != nil {
					tb.Fatal(err)
				}
				total += kb * 1024
				break
			}
		}
		f.Close()
	}
	return total
}

// kernelPSS is the kernel's own figure for the tree: Pss summed over
// smaps_rollup of root and its descendants.
func kernelPSS(tb testing.TB, root int) uint64 {
	return kernelSum(tb, kernelTree(tb, root), "smaps_rollup", "Pss")
}

// measureBracketed runs measure between two kernel readings of the tree's
// PSS and retries (bounded) while those two differ by more than 2%: a
// browser starting or stopping a helper during the measurement leaves
// nothing to compare against.
func measureBracketed(t *testing.T, root int, measure func()) (before, after uint64) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		before = kernelPSS(t, root)
		measure()
		after = kernelPSS(t, root)
		lo, hi := float64(min(before, after)), float64(max(before, after))
		if hi <= lo*1.02 || attempt == 20 {
			return before, after
		}
		t.Logf("tree changed during attempt %d (%.1f → %.1f MiB); measuring again", attempt, float64(before)/mib, float64(after)/mib)
	}
}

// within10 checks got against the kernel figure read just before and just
// after it.
func within10(t *testing.T, what string, got, before, after uint64) {
	t.Helper()
	lo, hi := float64(min(before, after))*0.9, float64(max(before, after))*1.1
	if float64(got) < lo || float64(got) > hi {
		t.Errorf("%s = %.1f MiB, kernel says %.1f–%.1f MiB: off by more than 10%%",
			what, float64(got)/mib, float64(before)/mib, float64(after)/mib)
	}
}

// TestRealChromium checks the package against one real headless Chromium,
// shared by the subtests.
func TestRealChromium(t *testing.T) {
	pid := startChromium(t)
	// Shared pages pile up as the browser starts its helpers; compare once
	// it has (the kernel comparisons hold either way, RSS against PSS less).
	waitSettled(t, []int{pid}, 10*time.Second)
	t.Run("TreeMemoryMatchesKernelPSS", func(t *testing.T) { testTreeMemoryMatchesKernelPSS(t, pid) })
	t.Run("SystemSamplerMeasuresTheBrowser", func(t *testing.T) { testSystemSamplerMeasuresTheBrowser(t, pid) })
	t.Run("ScannersAgree", func(t *testing.T) { testScannersAgree(t, pid) })
}

func testTreeMemoryMatchesKernelPSS(t *testing.T, pid int) {
	var tree ProcTree
	before, after := measureBracketed(t, pid, func() {
		var err error
		if tree, err = TreeMemory(pid); err != nil {
			t.Fatal(err)
		}
	})
	pids := kernelTree(t, pid)
	rss := kernelSum(t, pids, "status", "VmRSS")

	if tree.Kind != KindPSS || tree.PID != pid || tree.Procs < 3 {
		t.Fatalf("TreeMemory(%d) = %+v, want kind pss, >= 3 processes", pid, tree)
	}
	within10(t, "TreeMemory", tree.Bytes, before, after)
	t.Logf("Chromium tree of %d processes: PSS %.1f MiB, summed RSS %.1f MiB (%.1fx)",
		tree.Procs, float64(tree.Bytes)/mib, float64(rss)/mib, float64(rss)/float64(tree.Bytes))
	if float64(rss) < 1.5*float64(tree.Bytes) {
		t.Errorf("summed RSS %.1f MiB is not much larger than PSS %.1f MiB; shared pages should count many times",
			float64(rss)/mib, float64(tree.Bytes)/mib)
	}

	if _, err := TreeMemory(1 << 30); !errors.Is(err, ErrNoProcess) {
		t.Errorf("TreeMemory of a missing pid: %v, want ErrNoProcess", err)
	}
}

// The real sampler's wiring against the kernel. A browser may still be
// starting helpers, which changes how shared pages split between its
// processes; rescanning and re-reading every sample keeps this comparison
// exact (the rationing itself is covered by the treeSampler tests).
func testSystemSamplerMeasuresTheBrowser(t *testing.T, pid int) {
	ss := NewSystemSampler(SamplerOptions{TreeRescan: time.Nanosecond, PSSRefresh: 1000})
	trees := map[int]int{3: pid}
	if _, err := ss.Sample(t.Context(), trees); err != nil {
		t.Fatal(err)
	}
	var s Sample
	before, after := measureBracketed(t, pid, func() {
		var err error
		if s, err = ss.Sample(t.Context(), trees); err != nil {
			t.Fatal(err)
		}
	})

	tree, ok := s.Trees[3]
	if !ok || tree.PID != pid || tree.Procs < 3 || tree.Kind != KindPSS {
		t.Fatalf("tree 3 = %+v (present %v)", tree, ok)
	}
	within10(t, "sampled tree", tree.Bytes, before, after)
	if tree.CPU < 0 || s.CPUPercent < 0 || s.CPUPercent > 100 || len(s.PerCore) == 0 {
		t.Errorf("CPU figures out of range: tree %.1f%%, machine %.1f%%, cores %v", tree.CPU, s.CPUPercent, s.PerCore)
	}
	if s.UsedRatio <= 0 || s.UsedRatio >= 1 || s.TotalBytes == 0 || s.AvailableBytes == 0 {
		t.Errorf("system memory figures: ratio %.3f total %d available %d", s.UsedRatio, s.TotalBytes, s.AvailableBytes)
	}
}

// The portable scanner (gopsutil) must see the same tree as the procfs one.
// The browser may still be starting helpers, so gopsutil's scan is
// bracketed by two procfs scans: it must hold every process both of those
// saw, and nothing neither saw.
func testScannersAgree(t *testing.T, pid int) {
	scan := func(src procSource) procTable {
		table := procTable{}
		if err := src.scanAll(t.Context(), table); err != nil {
			t.Fatal(err)
		}
		return table
	}
	procfs := newProcSource(DefaultProcRoot)
	if _, ok := procfs.(*procfsSource); !ok {
		t.Fatalf("procfs present but source is %T", procfs)
	}
	first := scan(procfs)
	middle := scan(gopsutilSource{})
	last := scan(procfs)
	treeOf := func(table procTable) map[int]bool {
		set := map[int]bool{}
		for _, p := range descendants(pid, childIndex(table)) {
			set[p] = true
		}
		return set
	}
	a, b, c := treeOf(first), treeOf(middle), treeOf(last)
	if len(a) < 3 {
		t.Fatalf("procfs tree %v: fewer than 3 processes", a)
	}
	for p := range a {
		if c[p] && !b[p] {
			t.Errorf("pid %d is in both procfs scans but not in gopsutil's", p)
		}
	}
	for p := range b {
		if !a[p] && !c[p] {
			t.Errorf("pid %d is in gopsutil's scan only", p)
		}
		if !a[p] || !c[p] {
			continue
		}
		if first[p].ppid != middle[p].ppid {
			t.Errorf("pid %d: parent %d by procfs, %d by gopsutil", p, first[p].ppid, middle[p].ppid)
		}
		if cpu := middle[p].cpu; cpu < first[p].cpu-0.011 || cpu > last[p].cpu+0.011 {
			t.Errorf("pid %d: CPU %.2fs by gopsutil, outside procfs's %.2f–%.2fs", p, cpu, first[p].cpu, last[p].cpu)
		}
	}
}
