//go:build unix

package processes

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// signals sends SIGTERM to a child that ignores signals and to one that
// handles them, then SIGKILL to the one that handles them.
func signals(ctx context.Context, s *lesson.Stage) error {
	ctx, cancel := context.WithTimeout(ctx, s.Limit(safety))
	defer cancel()

	s.Heading("SIGTERM to a child that does not handle it")
	out, code, err := signalChild(ctx, s, "sleeper", syscall.SIGTERM)
	if err != nil {
		return err
	}
	s.Finding("term-unhandled-exit-code", float64(code), "")
	s.Finding("term-unhandled-cleaned-up", boolFinding(strings.Contains(out, "clean stop")), "")
	s.Say("The default action of SIGTERM ends the process on the spot: no defer runs.")

	if err := s.Pause(ctx, "now a child that asked for the signal"); err != nil {
		return err
	}
	s.Heading("SIGTERM to a child waiting on signal.NotifyContext")
	out, code, err = signalChild(ctx, s, "graceful", syscall.SIGTERM)
	if err != nil {
		return err
	}
	s.Finding("term-handled-exit-code", float64(code), "")
	s.Finding("term-handled-cleaned-up", boolFinding(strings.Contains(out, "clean stop")), "")
	s.Say("The signal cancelled its context; it finished the item in hand,")
	s.Say("saved its work and returned from main: status 0.")

	s.Heading("SIGKILL to the same child")
	out, code, err = signalChild(ctx, s, "graceful", syscall.SIGKILL)
	if err != nil {
		return err
	}
	s.Finding("kill-exit-code", float64(code), "")
	s.Finding("kill-cleaned-up", boolFinding(strings.Contains(out, "clean stop")), "")
	s.Say("SIGKILL cannot be caught, blocked or ignored: keep it for a process")
	s.Say("that did not stop when asked.")
	return nil
}

// signalChild starts child name, waits until it says it is ready (before
// that, a signal could arrive before its handler exists), sends it sig,
// and returns what it printed and its exit code.
func signalChild(ctx context.Context, s *lesson.Stage, name string, sig syscall.Signal) (out string, code int, err error) {
	reader, lane := s.Lane(name), s.Lane("parent")
	cmd, err := s.Command(ctx, name) // ctx's end kills it, which ends the reads below
	if err != nil {
		return "", 0, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", 0, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, err
	}
	var b strings.Builder
	sc := bufio.NewScanner(stdout)
	if sc.Scan() { // its first line: it is ready
		reader.Printf("%s", sc.Text())
		b.WriteString(sc.Text() + "\n")
	}
	sent := cmd.Process.Signal(sig)
	if sent == nil {
		lane.Printf("sent %s to %s (pid %d)", signalName[sig], name, cmd.Process.Pid)
	}
	for sc.Scan() { // until it exits and its stdout closes
		reader.Printf("%s", sc.Text())
		b.WriteString(sc.Text() + "\n")
	}
	err = cmd.Wait()
	if sent != nil {
		return "", 0, fmt.Errorf("sending %s: %w", signalName[sig], sent)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return "", 0, err
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		lane.Printf("%s died of %s; ExitCode() = %d", name, signalName[ws.Signal()], cmd.ProcessState.ExitCode())
	} else {
		lane.Printf("%s exited with status %d", name, cmd.ProcessState.ExitCode())
	}
	return b.String(), cmd.ProcessState.ExitCode(), ctx.Err()
}

// signalName is how people write the signals the demo sends.
var signalName = map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGKILL: "SIGKILL"}

// graceful works on items until SIGTERM or SIGINT cancels its context,
// then finishes the item in hand and saves: a clean stop.
func graceful(ctx context.Context, s *lesson.Stage) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	s.Say("ready: working until told to stop")
	giveUp := time.After(s.Limit(safety)) // nobody will wait for ever
	items := 0
	for {
		select {
		case <-ctx.Done():
			s.Say("signal received: finishing item %d, then saving", items+1)
			s.Say("saved %d items", items+1)
			s.Say("clean stop")
			return nil
		case <-giveUp:
			return errors.New("no signal came")
		case <-time.After(s.Scale(20 * time.Millisecond)): // one item of work
			items++
		}
	}
}
