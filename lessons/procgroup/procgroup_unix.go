//go:build unix

package procgroup

import (
	"os/exec"
	"syscall"
)

func isolate(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

// A negative pid names the process group whose leader is -pid.
func kill(cmd *exec.Cmd) error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
func dump(cmd *exec.Cmd) error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGQUIT) }
