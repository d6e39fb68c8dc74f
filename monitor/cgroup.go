package monitor

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Default locations of the cgroup file system and of this process's cgroup
// membership.
const (
	DefaultCgroupRoot = "/sys/fs/cgroup"
	DefaultProcRoot   = "/proc"
)

// unlimited is where cgroup "no limit" values start: v1 reports
// PAGE_COUNTER_MAX pages (9223372036854771712 bytes on 4 KiB pages), v2
// writes "max".
const unlimited = 1 << 62

// cgroupMemory is the binding memory limit over the cgroup hierarchy this
// process lives in: of every level with a limit, the one whose usage is
// closest to it.
//
// Usage is the working set: the charged memory minus the inactive file cache
// (memory.stat inactive_file, total_inactive_file on v1). The kernel reclaims
// that cache before it invokes the OOM killer, so counting it would report
// pressure that is not there; it is the figure the kubelet and cAdvisor call
// the working set.
type cgroupMemory struct {
	Version string // "v1" or "v2"
	Dir     string // the cgroup directory whose limit binds
	Limit   uint64
	Usage   uint64
}

// cgroupPlace is where this process's memory cgroup is: the directories from
// its own cgroup up to the mount root, leaf first.
type cgroupPlace struct {
	Version string // "", "v1" or "v2"; "" when no memory controller is mounted
	Dirs    []string
}

// findCgroup locates the memory cgroup of the process whose membership file
// is selfCgroup (/proc/self/cgroup), under the cgroup mount root. A pure
// cgroup v2 mount has cgroup.controllers at its root; otherwise the v1
// memory controller is looked for at root/memory (hybrid systems mount v2 at
// root/unified without the memory controller). When the listed path does not
// exist under the mount (a container that sees its own cgroup as the root),
// the mount root itself is the process's cgroup.
func findCgroup(root, selfCgroup string) (cgroupPlace, error) {
	var version, base, controller string
	switch {
	case exists(filepath.Join(root, "cgroup.controllers")):
		version, base, controller = "v2", root, ""
	case exists(filepath.Join(root, "memory", "memory.limit_in_bytes")):
		version, base, controller = "v1", filepath.Join(root, "memory"), "memory"
	default:
		return cgroupPlace{}, nil
	}
	membership, err := os.ReadFile(selfCgroup)
	if err != nil {
		return cgroupPlace{}, fmt.Errorf("reading cgroup membership %s: %w", selfCgroup, err)
	}
	rel, found := cgroupPath(membership, version, controller)
	if !found {
		return cgroupPlace{}, fmt.Errorf("%s lists no %s memory cgroup", selfCgroup, version)
	}
	leaf := filepath.Join(base, rel)
	if !within(leaf, base) || !exists(leaf) {
		leaf = base
	}
	place := cgroupPlace{Version: version}
	for dir := leaf; ; dir = filepath.Dir(dir) {
		place.Dirs = append(place.Dirs, dir)
		if dir == base || len(dir) <= len(base) {
			break
		}
	}
	return place, nil
}

// cgroupPath finds the cgroup path in /proc/self/cgroup content: the "0::"
// line for v2, the line whose controller list holds controller for v1.
func cgroupPath(membership []byte, version, controller string) (string, bool) {
	sc := bufio.NewScanner(bytes.NewReader(membership))
	for sc.Scan() {
		id, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		controllers, path, ok := strings.Cut(rest, ":")
		if !ok {
			continue
		}
		if version == "v2" && id == "0" && controllers == "" {
			return path, true
		}
		if version == "v1" && id != "0" && hasField(controllers, controller) {
			return path, true
		}
	}
	return "", false
}

func hasField(list, want string) bool {
	for f := range strings.SplitSeq(list, ",") {
		if f == want {
			return true
		}
	}
	return false
}

// readCgroupMemory reads every level of place and returns the binding one;
// ok is false when no level has a limit.
func readCgroupMemory(place cgroupPlace) (cm cgroupMemory, ok bool, err error) {
	limitFile, usageFile, inactiveKeys := "memory.max", "memory.current", []string{"inactive_file"}
	if place.Version == "v1" {
		limitFile, usageFile = "memory.limit_in_bytes", "memory.usage_in_bytes"
		inactiveKeys = []string{"total_inactive_file", "inactive_file"}
	}
	bestRatio := -1.0
	for _, dir := range place.Dirs {
		limit, err := readLimit(filepath.Join(dir, limitFile))
		if errors.Is(err, fs.ErrNotExist) || (err == nil && limit >= unlimited) {
			continue // the root cgroup has no limit file; "max" is no limit
		}
		if err != nil {
			return cgroupMemory{}, false, err
		}
		usage, err := readUint(filepath.Join(dir, usageFile))
		if err != nil {
			return cgroupMemory{}, false, err
		}
		inactive, err := readStatKey(filepath.Join(dir, "memory.stat"), inactiveKeys)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return cgroupMemory{}, false, err
		}
		usage -= min(inactive, usage)
		if ratio := float64(usage) / float64(max(limit, 1)); ratio > bestRatio {
			bestRatio = ratio
			cm = cgroupMemory{Version: place.Version, Dir: dir, Limit: limit, Usage: usage}
		}
	}
	return cm, bestRatio >= 0, nil
}

// readLimit reads a limit file: a byte count, or "max" (v2) for none.
func readLimit(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return unlimited, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("cgroup limit %s: %w", path, err)
	}
	return n, nil
}

func readUint(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("cgroup counter %s: %w", path, err)
	}
	return n, nil
}

// readStatKey returns the value of the first of keys present in a
// memory.stat file ("key value" lines), 0 when none is.
func readStatKey(path string, keys []string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	values := make(map[string]string, len(keys))
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, " ")
		if ok && slices.Contains(keys, k) {
			values[k] = strings.TrimSpace(v)
		}
	}
	for _, k := range keys {
		if v, ok := values[k]; ok {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("cgroup stat %s key %s: %w", path, k, err)
			}
			return n, nil
		}
	}
	return 0, nil
}

// within reports whether path is base or below it.
func within(path, base string) bool {
	return path == base || strings.HasPrefix(path, base+string(filepath.Separator))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
