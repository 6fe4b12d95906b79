package pools

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version: 100 tasks of 0.1 s on a pool of 10.
const (
	tasks    = 100
	taskTime = 100 * time.Millisecond
	poolSize = 10
)

// poolOfTen runs 100 tasks with a goroutine each, then on a pool of 10
// workers, and measures how many ran at once and how long it took.
func poolOfTen(ctx context.Context, s *lesson.Stage) error {
	s.Heading("%d tasks, one goroutine each", tasks)
	var each gauge
	var wg sync.WaitGroup
	errs := make([]error, tasks)
	begin := time.Now()
	for i := range tasks {
		wg.Add(1)
		go func() { // nothing limits how many run at once
			defer wg.Done()
			each.enter()
			defer each.leave()
			errs[i] = s.Sleep(ctx, taskTime)
		}()
	}
	wg.Wait()
	if err := firstErr(errs); err != nil {
		return err
	}
	s.Finding("peak-each", float64(each.highest()), "tasks at once")
	s.FindingDuration("elapsed-each", time.Since(begin))

	if err := s.Pause(ctx, "now a pool of 10 workers: how long, and how many at once?"); err != nil {
		return err
	}
	s.Heading("The same %d tasks on a pool of %d workers", tasks, poolSize)
	var pooled gauge
	jobs := make(chan int) // the pool's queue: workers take task numbers from it
	errs = make([]error, poolSize)
	begin = time.Now()
	for w := range poolSize {
		lane := s.Lane(fmt.Sprintf("worker %d", w+1)) // made here: lanes in worker order
		wg.Add(1)
		go func() { // exactly poolSize goroutines, each running tasks one after another
			defer wg.Done()
			lane.Start()
			defer lane.Done()
			done := 0
			for range jobs {
				pooled.enter()
				lane.Acquired("a task")
				err := s.Sleep(ctx, taskTime)
				lane.Released("a task")
				pooled.leave()
				if err != nil && errs[w] == nil {
					errs[w] = err
				}
				done++
			}
			lane.Printf("ran %d tasks", done)
		}()
	}
	for i := range tasks {
		jobs <- i // blocks until a worker is free: the queue holds nothing
	}
	close(jobs) // no more work: each worker's range loop ends
	wg.Wait()
	if err := firstErr(errs); err != nil {
		return err
	}
	elapsed := time.Since(begin)
	if err := s.Pause(ctx, "how many at once, and how long?"); err != nil {
		return err
	}
	s.Finding("peak-pool", float64(pooled.highest()), "tasks at once")
	s.FindingDuration("elapsed-pool", elapsed)
	s.Say("Ten workers, ten rounds of %v: about %v. The pool trades time for a bound:", s.Scale(taskTime), s.Scale(taskTime*tasks/poolSize))
	s.Say("never more than %d tasks hold a connection, a file or memory at once.", poolSize)
	return nil
}
