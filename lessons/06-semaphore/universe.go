package semaphore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version: ten tasks of 2 s, at most 3 at once. Scaled to 0.4 s a
// task, the four batches take about 1.6 s.
const (
	tasks    = 10
	limit    = 3
	taskWork = 400 * time.Millisecond
	semName  = "sem"
)

func bufferedChannel(ctx context.Context, s *lesson.Stage) error {
	s.Say("Ten heroes must save the universe, but only %d fit in the spaceship at once.", limit)
	s.Say("The spaceship is a buffered channel: a send takes a seat, a receive gives it back.")

	// sem has one slot per seat. Sending blocks when all seats are taken.
	sem := make(chan struct{}, limit)
	var inside gauge
	var wg sync.WaitGroup
	errs := make([]error, tasks)
	begin := time.Now()
	for i := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane := s.Lane(fmt.Sprintf("task %d", i+1))
			lane.Start()
			defer lane.Done()

			lane.Waiting(semName)
			select {
			case sem <- struct{}{}: // take a seat, or wait for one
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			lane.Acquired(semName)
			n := inside.enter(1)
			lane.Printf("saving the universe (%d inside)", n)
			errs[i] = s.Sleep(ctx, taskWork)
			inside.leave(1)
			lane.Released(semName)
			<-sem // give the seat back
		}()
	}
	wg.Wait()
	elapsed := time.Since(begin)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}

	if err := s.Pause(ctx, "how many were ever inside at once?"); err != nil {
		return err
	}
	s.Finding("limit", limit, "tasks")
	s.Finding("peak", float64(inside.highest()), "tasks at once")
	s.FindingDuration("elapsed", elapsed)
	s.Say("Ten tasks of %v in batches of %d: about %d rounds, not ten, and not one.",
		s.Scale(taskWork), limit, (tasks+limit-1)/limit)
	s.Say("The timeline shows it: never more than %d lanes between 'acquired sem' and 'released sem'.", limit)
	return nil
}
