// Package procgroup starts child processes in a group of their own, so
// that a demo's child, a go test run and everything they started can be
// stopped together, and Ctrl-C in the terminal reaches only conclab, which
// then ends them itself.
package procgroup

import (
	"errors"
	"os/exec"
)

// ErrNoDump is returned by Dump where the system has no signal that makes
// a Go program print its goroutines (Windows).
var ErrNoDump = errors.New("this system cannot ask a process for its goroutine dump (no SIGQUIT)")

// Isolate makes cmd, once started, the leader of a new process group, and
// for a cmd made by exec.CommandContext (which alone has a Cancel), makes
// cancelling its context kill the whole group rather than the leader
// alone. Call it before cmd.Start.
func Isolate(cmd *exec.Cmd) {
	isolate(cmd)
	if cmd.Cancel != nil {
		cmd.Cancel = func() error { return Kill(cmd) }
	}
}

// Kill ends the group cmd leads, at once. A cmd not started is left alone.
func Kill(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return kill(cmd)
}

// Dump asks the group cmd leads to print every goroutine's stack and exit
// (SIGQUIT to a Go program). It returns ErrNoDump where that is
// impossible; the caller then kills.
func Dump(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return dump(cmd)
}
