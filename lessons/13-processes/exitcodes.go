package processes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/conclab/conclab/lessons/lesson"
)

// exitCodes runs children that succeed, fail with a status, are killed
// and cannot start, and reads what each tells the parent.
func exitCodes(ctx context.Context, s *lesson.Stage) error {
	ctx, cancel := context.WithTimeout(ctx, s.Limit(safety)) // kills any child still running then
	defer cancel()
	lane := s.Lane("parent")

	s.Heading("A child that succeeds: exit status 0")
	cmd, err := s.Command(ctx, "exit-ok")
	if err != nil {
		return err
	}
	out, err := cmd.Output() // Start, read its standard output, Wait
	if err != nil {
		return fmt.Errorf("the child that succeeds failed: %w", err)
	}
	lane.Printf("child %d said %q; err = %v; ExitCode() = %d", cmd.Process.Pid, strings.TrimSpace(string(out)), err, cmd.ProcessState.ExitCode())
	s.Finding("ok-exit-code", float64(cmd.ProcessState.ExitCode()), "")

	if err := s.Pause(ctx, "a child calls os.Exit(2): what does Run return?"); err != nil {
		return err
	}
	s.Heading("A child that fails: os.Exit(2)")
	if cmd, err = s.Command(ctx, "exit-two"); err != nil {
		return err
	}
	cmd.Stderr = s // its complaint is shown as it comes
	err = cmd.Run()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return fmt.Errorf("want an *exec.ExitError from a child that exits 2, got %v", err)
	}
	lane.Printf("err = %q; ExitCode() = %d", err, exitErr.ExitCode())
	s.Finding("exit-code", float64(exitErr.ExitCode()), "")
	s.Say("A non-zero status is an error for Run, Output and Wait; the number is")
	s.Say("the child's message (by convention 1 = failed, 2 = used wrongly).")

	s.Heading("A child killed before it ends: no status of its own")
	if cmd, err = s.Command(ctx, "sleeper"); err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
		return err
	}
	err = cmd.Wait()
	lane.Printf("err = %q; ExitCode() = %d", err, cmd.ProcessState.ExitCode())
	s.Finding("killed-exit-code", float64(cmd.ProcessState.ExitCode()), "")

	s.Heading("A program that is not there: it never starts")
	err = exec.CommandContext(ctx, "conclab-no-such-program").Run()
	lane.Printf("err = %q", err)
	s.Finding("not-found", boolFinding(errors.Is(err, exec.ErrNotFound)), "")
	s.Say("No process, so no exit code: errors.Is(err, exec.ErrNotFound).")
	return nil
}

// exitOK is a child that does its job and returns: status 0.
func exitOK(_ context.Context, s *lesson.Stage) error {
	s.Say("done, all good")
	return nil
}

// exitTwo is a child that fails with status 2.
func exitTwo(_ context.Context, _ *lesson.Stage) error {
	fmt.Fprintln(os.Stderr, "  child: bad input, exiting with status 2")
	os.Exit(2)
	return nil
}
