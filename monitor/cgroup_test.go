package monitor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const mib = 1 << 20

// writeTree writes files (path relative to dir → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fakeCgroupFS builds a cgroup root and a /proc/self/cgroup file in a temp
// folder and returns their paths.
func fakeCgroupFS(t *testing.T, membership string, files map[string]string) (root, selfCgroup string) {
	t.Helper()
	dir := t.TempDir()
	root = filepath.Join(dir, "sys", "fs", "cgroup")
	writeTree(t, root, files)
	selfCgroup = filepath.Join(dir, "proc", "self", "cgroup")
	writeTree(t, filepath.Dir(selfCgroup), map[string]string{"cgroup": membership})
	return root, selfCgroup
}

func TestCgroupMemory(t *testing.T) {
	const v1Unlimited = "9223372036854771712\n"
	tests := []struct {
		name       string
		membership string
		files      map[string]string
		wantOK     bool
		want       cgroupMemory // Dir relative to the cgroup root
	}{
		{
			name:       "v2 limit minus inactive file cache",
			membership: "0::/kubepods/pod1\n",
			files: map[string]string{
				"cgroup.controllers":               "cpu memory pids\n",
				"kubepods/memory.max":              "max\n",
				"kubepods/pod1/memory.max":         "1073741824\n",
				"kubepods/pod1/memory.current":     "838860800\n",
				"kubepods/pod1/memory.stat":        "anon 500000000\nfile 300000000\nactive_file 100\ninactive_file 104857600\n",
				"kubepods/pod1/cgroup.controllers": "memory\n",
			},
			wantOK: true,
			want:   cgroupMemory{Version: "v2", Dir: "kubepods/pod1", Limit: 1024 * mib, Usage: 700 * mib},
		},
		{
			name:       "v2 no limit anywhere",
			membership: "0::/user.slice\n",
			files: map[string]string{
				"cgroup.controllers":        "memory\n",
				"user.slice/memory.max":     "max\n",
				"user.slice/memory.current": "123\n",
			},
		},
		{
			name:       "v2 container sees its own cgroup as the root",
			membership: "0::/\n",
			files: map[string]string{
				"cgroup.controllers": "memory\n",
				"memory.max":         "536870912\n",
				"memory.current":     "268435456\n",
				"memory.stat":        "inactive_file 0\n",
			},
			wantOK: true,
			want:   cgroupMemory{Version: "v2", Dir: ".", Limit: 512 * mib, Usage: 256 * mib},
		},
		{
			name:       "v2 listed path absent under the mount falls back to the mount root",
			membership: "0::/system.slice/docker-abc.scope\n",
			files: map[string]string{
				"cgroup.controllers": "memory\n",
				"memory.max":         "536870912\n",
				"memory.current":     "100663296\n",
			},
			wantOK: true,
			want:   cgroupMemory{Version: "v2", Dir: ".", Limit: 512 * mib, Usage: 96 * mib},
		},
		{
			name:       "v2 parent nearer its limit binds",
			membership: "0::/parent/child\n",
			files: map[string]string{
				"cgroup.controllers":          "memory\n",
				"parent/memory.max":           "4294967296\n",
				"parent/memory.current":       "4089446400\n", // 3900 MiB of 4096
				"parent/child/memory.max":     "2147483648\n",
				"parent/child/memory.current": "1073741824\n",
			},
			wantOK: true,
			want:   cgroupMemory{Version: "v2", Dir: "parent", Limit: 4096 * mib, Usage: 3900 * mib},
		},
		{
			name:       "v1 hybrid (v2 mounted at unified without memory)",
			membership: "9:name=systemd:/\n4:memory:/process_api/abc\n3:cpuset:/\n0::/\n",
			files: map[string]string{
				"unified/cgroup.controllers":                   "",
				"memory/memory.limit_in_bytes":                 v1Unlimited,
				"memory/memory.usage_in_bytes":                 "999999999\n",
				"memory/process_api/memory.limit_in_bytes":     v1Unlimited,
				"memory/process_api/memory.usage_in_bytes":     "1\n",
				"memory/process_api/abc/memory.limit_in_bytes": "536870912\n",
				"memory/process_api/abc/memory.usage_in_bytes": "419430400\n",
				"memory/process_api/abc/memory.stat":           "cache 1\ninactive_file 10485760\ntotal_inactive_file 52428800\n",
			},
			wantOK: true,
			want:   cgroupMemory{Version: "v1", Dir: "memory/process_api/abc", Limit: 512 * mib, Usage: 350 * mib},
		},
		{
			name:       "v1 combined controller list, no limit",
			membership: "4:memory,hugetlb:/docker/abc\n",
			files: map[string]string{
				"memory/memory.limit_in_bytes": v1Unlimited,
				"memory/memory.usage_in_bytes": "5\n",
			},
		},
		{
			name:       "v1 inactive cache larger than usage counts as zero",
			membership: "4:memory:/\n",
			files: map[string]string{
				"memory/memory.limit_in_bytes": "1048576\n",
				"memory/memory.usage_in_bytes": "1000\n",
				"memory/memory.stat":           "total_inactive_file 5000\n",
			},
			wantOK: true,
			want:   cgroupMemory{Version: "v1", Dir: "memory", Limit: mib, Usage: 0},
		},
		{
			name:       "no memory controller mounted",
			membership: "0::/\n",
			files:      map[string]string{"cpu/cpu.shares": "1024\n"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, self := fakeCgroupFS(t, tc.membership, tc.files)
			place, err := findCgroup(root, self)
			if err != nil {
				t.Fatalf("findCgroup: %v", err)
			}
			got, ok, err := readCgroupMemory(place)
			if err != nil {
				t.Fatalf("readCgroupMemory(%+v): %v", place, err)
			}
			if ok != tc.wantOK {
				t.Fatalf("limit found = %v, want %v (%+v)", ok, tc.wantOK, got)
			}
			if !ok {
				return
			}
			tc.want.Dir = filepath.Join(root, tc.want.Dir)
			if got != tc.want {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestCgroupErrorsNameTheFile(t *testing.T) {
	root, self := fakeCgroupFS(t, "0::/a\n", map[string]string{
		"cgroup.controllers": "memory\n",
		"a/memory.max":       "lots\n",
	})
	place, err := findCgroup(root, self)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = readCgroupMemory(place)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(root, "a", "memory.max")) {
		t.Fatalf("garbage limit: error %v, want one naming the file", err)
	}

	_, err = findCgroup(root, filepath.Join(t.TempDir(), "missing"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing membership file: %v", err)
	}
}

func TestApplyLimit(t *testing.T) {
	s := Sample{UsedRatio: 0.10, TotalBytes: 24 << 30, AvailableBytes: 21 << 30}
	applyLimit(&s, cgroupMemory{Version: "v2", Limit: 1 << 30, Usage: 900 * mib})
	if s.Cgroup != "v2" || s.TotalBytes != 1<<30 || s.AvailableBytes != 124*mib {
		t.Fatalf("after a 1 GiB limit with 900 MiB used: %+v", s)
	}
	if want := 900.0 / 1024; s.UsedRatio != want {
		t.Fatalf("used ratio %.4f, want the cgroup's %.4f", s.UsedRatio, want)
	}

	s = Sample{UsedRatio: 0.95, TotalBytes: 8 << 30, AvailableBytes: 400 * mib}
	applyLimit(&s, cgroupMemory{Version: "v1", Limit: 4 << 30, Usage: 1 << 30})
	if s.UsedRatio != 0.95 || s.AvailableBytes != 400*mib {
		t.Fatalf("a full machine must win over a roomy cgroup: %+v", s)
	}
}

// TestSystemSamplerHonoursCgroupLimit runs the real sampler (real system
// memory and CPU) over a fake cgroup file system.
func TestSystemSamplerHonoursCgroupLimit(t *testing.T) {
	dir := t.TempDir()
	procRoot := filepath.Join(dir, "proc")
	cgRoot := filepath.Join(dir, "cgroup")
	writeTree(t, procRoot, map[string]string{"self/cgroup": "0::/app\n"})
	writeTree(t, cgRoot, map[string]string{
		"cgroup.controllers": "memory\n",
		"app/memory.max":     "1073741824\n",
		"app/memory.current": "966367642\n", // just over 0.9 of the limit
	})
	ss := NewSystemSampler(SamplerOptions{ProcRoot: procRoot, CgroupRoot: cgRoot})
	s, err := ss.Sample(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cgroup != "v2" || s.TotalBytes != 1<<30 || s.UsedRatio < 0.9 {
		t.Fatalf("sample under a 1 GiB cgroup at 90%%: cgroup %q total %d ratio %.3f", s.Cgroup, s.TotalBytes, s.UsedRatio)
	}

	// A limit above physical memory can never bind: it is ignored.
	writeTree(t, cgRoot, map[string]string{"app/memory.max": "1125899906842624\n"}) // 1 PiB
	s, err = ss.Sample(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cgroup != "" || s.TotalBytes == 1<<50 {
		t.Fatalf("a 1 PiB limit was applied: %+v", s)
	}
	if len(s.PerCore) == 0 {
		t.Fatal("no per-core CPU figures")
	}
}
