//go:build !unix

package processes

import (
	"context"
	"errors"
	"runtime"

	"github.com/conclab/conclab/lessons/lesson"
)

// orphan needs a parent pid that changes when the parent exits, which is
// Unix's way; Windows does not re-parent processes.
func orphan(_ context.Context, s *lesson.Stage) error {
	s.Warn("This demo watches a child's parent pid change when its parent exits, which is Unix's way; %s does not re-parent.", runtime.GOOS)
	s.Say("On Unix, a process whose parent exits is adopted by init (or the nearest")
	s.Say("subreaper), which reaps it when it exits: an orphan is not a zombie.")
	return nil
}

func orphanParent(context.Context, *lesson.Stage) error { return errors.New("needs Unix") }
func orphaned(context.Context, *lesson.Stage) error     { return errors.New("needs Unix") }
