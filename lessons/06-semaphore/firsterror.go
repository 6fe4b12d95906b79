package semaphore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// Twelve jobs of 400 ms, three at a time: 1.6 s if all goes well. Job 5
// fails 100 ms after it starts.
const (
	firstJobs  = 12
	firstLimit = 3
	firstWork  = 400 * time.Millisecond
	firstFails = 4 // the index of job 5
)

// errFire is job 5's failure.
var errFire = errors.New("job 5: the printer is on fire")

// firstError runs twelve jobs on a buffered-channel semaphore with a
// context that the first failing job cancels: the running jobs stop, the
// loop calls no further job, and the error returned is the first one.
func firstError(ctx context.Context, s *lesson.Stage) error {
	jobCtx, cancel := context.WithCancel(ctx) // the jobs' context
	defer cancel()
	var (
		mu    sync.Mutex
		first error // the first failure; what the others return after it is its echo
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
		cancel() // every job selecting on jobCtx.Done() hears it
	}

	sem := make(chan struct{}, firstLimit)
	returned := make([]error, firstJobs) // what each job returned
	called := 0
	var wg sync.WaitGroup
	begin := time.Now()
	for i := range firstJobs {
		select {
		case sem <- struct{}{}: // a slot...
		case <-jobCtx.Done(): // ...or the news that a job failed
		}
		if jobCtx.Err() != nil {
			break // a job failed (or the caller gave up): call no further job
		}
		called++
		lane := s.Lane(fmt.Sprintf("job %d", i+1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Acquired(semName)
			err := job(jobCtx, s, i)
			lane.Released(semName)
			if err != nil {
				lane.Printf("returned %v", err)
				fail(err) // cancel before the slot is given back
			}
			returned[i] = err
			lane.Done()
			<-sem
		}()
	}
	wg.Wait() // no job is still running when we report
	elapsed := time.Since(begin)
	if err := ctx.Err(); err != nil {
		return err // the caller cancelled, not job 5
	}

	s.Warn("first error: %v", first)
	if err := s.Pause(ctx, "how many jobs were called, and how many cut short?"); err != nil {
		return err
	}
	completed, cancelled := 0, 0
	for _, err := range returned[:called] {
		switch {
		case err == nil:
			completed++
		case errors.Is(err, context.Canceled):
			cancelled++
		}
	}
	kept := 0.0
	if errors.Is(first, errFire) {
		kept = 1
	}
	s.Finding("first-error-kept", kept, "(1 = job 5's error, not a context.Canceled)")
	s.Finding("called", float64(called), "jobs")
	s.Finding("never-called", float64(firstJobs-called), "jobs")
	s.Finding("completed", float64(completed), "jobs")
	s.Finding("cancelled", float64(cancelled), "jobs cut short")
	s.FindingDuration("elapsed", elapsed)
	s.FindingDuration("all-jobs", s.Scale(firstWork*firstJobs/firstLimit))
	s.Say("The jobs that were cut short returned context.Canceled after job 5 failed;")
	s.Say("keeping only the first error reports the cause, not its echo.")
	return nil
}

// job is the work of job i: 400 ms, or job 5's failure 100 ms in. It
// honours ctx: cancelled, it stops at once and returns ctx.Err().
func job(ctx context.Context, s *lesson.Stage, i int) error {
	if i == firstFails {
		if err := s.Sleep(ctx, firstWork/4); err != nil {
			return err
		}
		return errFire
	}
	return s.Sleep(ctx, firstWork) // a select on ctx.Done() and a timer
}
