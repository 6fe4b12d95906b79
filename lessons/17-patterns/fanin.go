package patterns

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// fanOutFanIn has one goroutine send 12 jobs on one channel, fanWorkers
// goroutines receive them (fan-out: each job goes to whichever worker
// is free), and merge joins the workers' result channels into one
// (fan-in).
func fanOutFanIn(ctx context.Context, s *lesson.Stage) error {
	s.Say("%d jobs of %v each; serially that is %v.", fanJobs, s.Scale(fanJobTime), s.Scale(fanJobs*fanJobTime))
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for j := 1; j <= fanJobs; j++ {
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()

	// Fan-out: several workers receive from the same channel; each job
	// goes to exactly one of them, whichever is free.
	start := time.Now()
	outs := make([]<-chan result, fanWorkers)
	for w := range fanWorkers {
		out := make(chan result)
		outs[w] = out
		go func() {
			defer close(out)
			lane := s.Lane(fmt.Sprintf("worker %d", w+1))
			for j := range jobs {
				lane.Printf("job %d", j)
				_ = s.Sleep(ctx, fanJobTime) // the work; cut short on cancel
				out <- result{job: j, worker: w + 1}
			}
		}()
	}

	// Fan-in: one channel carries every worker's results.
	got, order := 0, []int{}
	used := map[int]bool{}
	for r := range merge(outs...) {
		got++
		order = append(order, r.job)
		used[r.worker] = true
	}
	elapsed := time.Since(start)
	s.Say("results arrived in the order the jobs finished: %v", order)
	s.Finding("results", float64(got), "of "+fmt.Sprint(fanJobs))
	s.Finding("workers-used", float64(len(used)), "of "+fmt.Sprint(fanWorkers))
	s.FindingDuration("elapsed", elapsed)
	s.Say("%d workers did %d jobs in about %v: the work overlapped. Fan-in merges by arrival,", fanWorkers, fanJobs, s.Scale(fanJobs/fanWorkers*fanJobTime))
	s.Say("not by job number: keep an index with each result if order matters (lesson 9).")
	return ctx.Err()
}

const (
	fanJobs    = 12
	fanWorkers = 4
	fanJobTime = 100 * time.Millisecond
)

type result struct {
	job, worker int
}

// merge is fan-in: one goroutine per input copies it to out, and a last
// goroutine closes out once every copier is done. (Exercise 16 adds what
// this one lacks: stopping on cancel when the reader goes away.)
func merge(inputs ...<-chan result) <-chan result {
	out := make(chan result)
	var wg sync.WaitGroup
	for _, in := range inputs {
		wg.Go(func() {
			for r := range in {
				out <- r
			}
		})
	}
	go func() {
		wg.Wait() // every input is closed and copied
		close(out)
	}()
	return out
}
