package processes

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// zombie starts a child that exits at once and does not wait for it, reads
// its state from /proc, then reaps it with Wait.
func zombie(ctx context.Context, s *lesson.Stage) error {
	ctx, cancel := context.WithTimeout(ctx, s.Limit(safety))
	defer cancel()
	lane := s.Lane("parent")
	cmd, err := s.Command(ctx, "noop")
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	pid := cmd.Process.Pid
	reaped := false
	defer func() {
		if !reaped {
			_ = cmd.Wait() // whatever happened, leave no zombie behind
		}
	}()
	lane.Printf("started child %d, which exits at once; not calling Wait", pid)

	// The child needs a moment to start and exit; its state is the third
	// field of /proc/PID/stat. Poll until it is Z, bounded by ctx.
	state, err := waitForState(ctx, pid, "Z")
	if err != nil {
		return err
	}
	lane.Printf("/proc/%d/stat: state %s (zombie): dead, but still in the process table", pid, state)
	s.Finding("zombie-seen", boolFinding(state == "Z"), "")
	s.Say("The kernel keeps its pid and exit status until the parent asks for them.")

	if err := s.Pause(ctx, "now the parent calls Wait"); err != nil {
		return err
	}
	err = cmd.Wait()
	reaped = true
	lane.Printf("cmd.Wait() = %v; exit code %d", err, cmd.ProcessState.ExitCode())
	_, statErr := os.Stat(fmt.Sprintf("/proc/%d", pid))
	gone := errors.Is(statErr, fs.ErrNotExist)
	if gone {
		lane.Printf("/proc/%d is gone: the child was reaped", pid)
	}
	s.Finding("reaped", boolFinding(gone), "")
	s.Say("Every Start needs its Wait: a server that starts children and never")
	s.Say("waits fills the process table with zombies until fork fails.")
	return nil
}

// waitForState polls /proc/PID/stat until the process is in state want.
func waitForState(ctx context.Context, pid int, want string) (string, error) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		state, err := procState(pid)
		if err != nil {
			return "", err
		}
		if state == want {
			return state, nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return "", fmt.Errorf("process %d still in state %s, never %s: %w", pid, state, want, ctx.Err())
		}
	}
}

// procState returns a process's one-letter state (R, S, Z, ...) from
// /proc/PID/stat: "pid (comm) state ...", where comm may hold spaces and
// parentheses, so the state is read after the last ')'.
func procState(pid int) (string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", err
	}
	i := strings.LastIndexByte(string(data), ')')
	fields := strings.Fields(string(data[i+1:]))
	if i < 0 || len(fields) == 0 {
		return "", fmt.Errorf("cannot read the state in /proc/%d/stat: %q", pid, data)
	}
	return fields[0], nil
}
