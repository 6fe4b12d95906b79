package pools

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/conclab/conclab/lessons/lesson"
)

// firstError runs 20 tasks in an errgroup with a limit of 3; task 5 fails,
// and the group's context cancels the rest.
func firstError(ctx context.Context, s *lesson.Stage) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(groupLimit) // g.Go blocks while 3 tasks run
	var (
		mu                                     sync.Mutex
		started, completed, cancelled, skipped int
	)
	count := func(n *int) { mu.Lock(); *n++; mu.Unlock() }
	var running gauge // proves the limit: never more than 3 inside at once
	for i := range groupTasks {
		g.Go(func() error {
			if gctx.Err() != nil {
				count(&skipped) // the group already failed: do not start
				return nil
			}
			count(&started)
			running.enter()
			defer running.leave()
			lane := s.Lane(fmt.Sprintf("task %d", i+1))
			lane.Start()
			defer lane.Done()
			if i == failing {
				if err := s.Sleep(gctx, 50*time.Millisecond); err != nil {
					return err
				}
				lane.Printf("fails: %v", errDisk)
				return errDisk
			}
			if err := s.Sleep(gctx, 200*time.Millisecond); err != nil {
				lane.Printf("cancelled mid-task")
				count(&cancelled)
				return err
			}
			count(&completed)
			return nil
		})
	}
	err := g.Wait() // the first error, after every goroutine returned
	if !errors.Is(err, errDisk) {
		return fmt.Errorf("errgroup returned %v, want %v", err, errDisk)
	}
	s.Warn("g.Wait: %v", err)
	if err := s.Pause(ctx, "how many of the 20 tasks started?"); err != nil {
		return err
	}
	s.Finding("started", float64(started), "tasks")
	s.Finding("completed", float64(completed), "tasks")
	s.Finding("cancelled", float64(cancelled), "tasks cut short")
	s.Finding("skipped", float64(skipped), "tasks never started")
	s.Finding("peak-running", float64(running.highest()), "tasks at once")
	s.Say("The group's context was cancelled by the error: running tasks saw it in their")
	s.Say("sleep, and the tasks g.Go started afterwards checked it first and did nothing.")
	return nil
}

// errDisk is the failure of task 5 in the first-error demo.
var errDisk = errors.New("task 5: disk full")

// The first-error demo: 20 tasks, 3 at a time, each 200 ms, task 5 fails
// after 50 ms.
const (
	groupTasks = 20
	groupLimit = 3
	failing    = 4 // index of task 5
)
