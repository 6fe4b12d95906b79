//go:build !unix

package processes

import (
	"context"
	"errors"
	"runtime"

	"github.com/conclab/conclab/lessons/lesson"
)

// signals needs Unix signals: on Windows a process can only be killed
// (Process.Kill), not asked to stop with SIGTERM.
func signals(_ context.Context, s *lesson.Stage) error {
	s.Warn("This demo sends Unix signals (SIGTERM, SIGKILL); on %s a process can only be killed.", runtime.GOOS)
	s.Say("A process that waits on signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)")
	s.Say("gets a cancelled context instead of dying, finishes its work, and exits 0.")
	return nil
}

func graceful(context.Context, *lesson.Stage) error { return errors.New("needs Unix signals") }
