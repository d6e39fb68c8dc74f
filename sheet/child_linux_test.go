package sheet

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A child process reads one workbook, so its peak RSS is the reader's
// alone. The child reports VmHWM, the high-water mark of its own memory
// map: its rusage ru_maxrss would not do, since Go starts children with
// vfork and Linux carries the parent's high-water mark into the child.

const childEnv = "SHEET_READ_CHILD"

// childResult is what a child read reports.
type childResult struct {
	Rows    int
	Err     string
	Elapsed time.Duration
	PeakRSS int64         // bytes, VmHWM
	CPU     time.Duration // user and system time of the whole child
}

// TestReadChild is the child's body; it does nothing in a normal run.
func TestReadChild(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("runs only as the child process of readInChild")
	}
	start := time.Now()
	in, err := Read(path)
	res := childResult{Elapsed: time.Since(start)}
	if err != nil {
		res.Err = err.Error()
	} else {
		res.Rows = len(in.Rows)
	}
	res.PeakRSS = peakRSS(t)
	out, _ := json.Marshal(res)
	os.Stdout.Write(append([]byte("\nCHILD "), append(out, '\n')...))
}

// readInChild reads path in a fresh copy of the test binary and returns
// what it saw and its peak RSS.
func readInChild(tb testing.TB, path string) childResult {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestReadChild$", "-test.count=1", "-test.v=false")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("child read of %s: %v\n%s%s", path, err, stdout.Bytes(), stderr.Bytes())
	}
	i := bytes.LastIndex(stdout.Bytes(), []byte("\nCHILD "))
	if i < 0 {
		tb.Fatalf("child read of %s said nothing:\n%s%s", path, stdout.Bytes(), stderr.Bytes())
	}
	var res childResult
	line, _, _ := bytes.Cut(stdout.Bytes()[i+len("\nCHILD "):], []byte("\n"))
	if err := json.Unmarshal(line, &res); err != nil {
		tb.Fatalf("child read of %s: %v in %q", path, err, line)
	}
	res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return res
}

// peakRSS is this process's VmHWM in bytes.
func peakRSS(t *testing.T) int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", rest, err)
			}
			return kb * 1024
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
