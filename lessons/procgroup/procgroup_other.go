//go:build !unix && !windows

package procgroup

import "os/exec"

func isolate(*exec.Cmd)        {}
func kill(cmd *exec.Cmd) error { return cmd.Process.Kill() }
func dump(*exec.Cmd) error     { return ErrNoDump }
