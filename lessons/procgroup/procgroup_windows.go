//go:build windows

package procgroup

import (
	"os/exec"
	"strconv"
	"syscall"
)

func isolate(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	// Console Ctrl-C then reaches conclab only; conclab ends the tree.
	cmd.SysProcAttr.CreationFlags |= syscall.CREATE_NEW_PROCESS_GROUP
}

// kill ends the process and every process it started: Windows has no
// process-group signal, and taskkill /T walks the tree.
func kill(cmd *exec.Cmd) error {
	err := exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(cmd.Process.Pid)).Run()
	if err != nil {
		return cmd.Process.Kill()
	}
	return nil
}

func dump(*exec.Cmd) error { return ErrNoDump }
