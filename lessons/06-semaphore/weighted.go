package semaphore

import (
	"context"
	"fmt"
	"sync"
	"time"

	xsem "golang.org/x/sync/semaphore"

	"github.com/conclab/conclab/lessons/lesson"
)

// budget is what the weighted semaphore hands out: say, 10 GB of memory.
const budget = 10

// jobs are the weights of the jobs, in the order they queue. The 10 needs
// the whole budget, so it can only run when nothing else does.
var jobs = []int64{4, 3, 2, budget, 5, 1, 3}

func weighted(ctx context.Context, s *lesson.Stage) error {
	s.Say("A render farm has %d GB of memory. Each job asks for what it needs; a channel", budget)
	s.Say("semaphore counts heads, x/sync/semaphore counts weight.")

	sem := xsem.NewWeighted(budget)
	var inUse gauge
	var bigAlone bool
	var wg sync.WaitGroup
	errs := make([]error, len(jobs))
	for i, w := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane := s.Lane(fmt.Sprintf("job %d (%d GB)", i+1, w))
			lane.Start()
			defer lane.Done()

			lane.Waiting("memory")
			// Acquire blocks until w units are free, or ctx ends.
			if err := sem.Acquire(ctx, w); err != nil {
				errs[i] = err
				return
			}
			lane.Acquired("memory")
			n := inUse.enter(int(w))
			lane.Printf("running with %d of %d GB in use", n, budget)
			if w == budget {
				bigAlone = n == budget
			}
			errs[i] = s.Sleep(ctx, 200*time.Millisecond)
			inUse.leave(int(w))
			lane.Released("memory")
			sem.Release(w)
		}()
		// Queue the jobs in order, a little apart, so the line is the one
		// printed: x/sync/semaphore serves waiters first come, first served.
		if err := s.Sleep(ctx, 20*time.Millisecond); err != nil {
			wg.Wait()
			return err
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := s.Pause(ctx, "was the budget ever exceeded?"); err != nil {
		return err
	}
	s.Finding("budget", budget, "GB")
	s.Finding("peak", float64(inUse.highest()), "GB in use at once")
	alone := 0.0
	if bigAlone {
		alone = 1
	}
	s.Finding("big-job-alone", alone, "")
	s.Say("The %d GB job waited until every other job had released its memory, and the jobs", budget)
	s.Say("queued behind it waited too: the semaphore is fair (FIFO), so a big job is not starved")
	s.Say("by a stream of small ones.")
	return nil
}
