package devtoolshost

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a process group of its own that the kernel kills
// when the thread that started it ends (the bench or test process).
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func killGroup(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
