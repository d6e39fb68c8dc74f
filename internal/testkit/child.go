package testkit

import (
	"io"
	"os"
	"os/exec"
	"testing"
)

// AsChild is for the first line of a TestMain: when the environment
// variable name is set, this process is a child of a test (StartChild), so
// it runs child with the variable's value and exits with the code child
// returns; otherwise it returns at once and TestMain goes on to the tests.
func AsChild(name string, child func(value string) int) {
	if v := os.Getenv(name); v != "" {
		os.Exit(child(v))
	}
}

// StartChild starts this test binary again as a second process: env
// (NAME=value entries, one of them the variable its TestMain's AsChild
// looks for) is added to the test's environment and no test is selected.
// The child's stderr is the test's; StartChild returns the command and the
// child's stdout. When the test ends the child's stdin closes (a child may
// wait for that, and it closes too if the test process dies), then the
// child is killed and waited for.
func StartChild(tb testing.TB, env ...string) (*exec.Cmd, io.Reader) {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting the test binary again (%v): %v", env, err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, stdout
}
