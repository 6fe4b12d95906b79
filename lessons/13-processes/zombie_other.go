//go:build !linux

package processes

import (
	"context"
	"runtime"

	"github.com/conclab/conclab/lessons/lesson"
)

// zombie needs /proc to show a process's state, which only Linux has in
// this form.
func zombie(_ context.Context, s *lesson.Stage) error {
	s.Warn("This demo reads a process's state from /proc, which is Linux's; on %s it only tells the story.", runtime.GOOS)
	s.Say("A child that has exited but that nobody waited for stays in the process")
	s.Say("table as a zombie (state Z in ps) until its parent calls Wait.")
	return nil
}
