package exercises

import "time"

var limiter = Exercise{
	Number:  5,
	Slug:    "limiter",
	Title:   "Many jobs, at most N at once, first error cancels",
	Lesson:  "semaphore",
	Files:   []string{"limiter.go"},
	Imports: []string{"context", "errors", "fmt", "sync", "sync/atomic", "golang.org/x/sync/errgroup", "golang.org/x/sync/semaphore"},
	Hints: [3]string{
		"Three things to track: how many jobs run right now (at most limit), where each result goes (its index, not the order of finishing), and whether to stop (a context you cancel). Which channel can count running jobs for you?",
		"A buffered channel of capacity limit is a semaphore: send to take a slot before starting a job, receive to give it back when the job is done. Derive ctx, cancel := context.WithCancel(ctx); on the first error remember it (under a mutex) and cancel before giving the slot back. Wait for every started goroutine with a WaitGroup before returning. errgroup.WithContext with SetLimit does most of this, but check ctx before calling each job.",
		`A buffered channel is the semaphore, and the loop that starts the jobs
takes a slot before each one:

	slots := make(chan struct{}, limit)
	for i, in := range inputs {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break // no job starts once ctx is done
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := job(ctx, in)
			if err != nil {
				keepFirst(err) // under mu: only if firstErr is nil
				cancel()       // before giving the slot back
			}
			results[i] = r
			<-slots
		}()
	}
	wg.Wait()

Then return nil and firstErr if a job failed; nil and ctx.Err() if not
every job was called; otherwise results and nil.`,
	},
	Points: map[string]int{
		"TestResultsInInputOrder":         1,
		"TestPeakConcurrency":             2,
		"TestNextJobStartsWhenASlotFrees": 1,
		"TestFirstErrorCancelsTheRest":    2,
		"TestCancellingCtxStopsMap":       1,
		"TestMapWaitsForEveryJob":         1,
		"TestManyJobsUnderRace":           1,
	},
	// Seven tests; the synctest ones take no real time, the two in real
	// time at most about 10 s together even for a stuck solution.
	Timeout: 30 * time.Second,
}
