package semaphore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version: twenty workers, at most five at once, each 1-3 s. Scaled
// to 100-300 ms, drawn from a fixed seed so every run has the same work.
const (
	workers     = 20
	workerLimit = 5
)

func workTimes() []time.Duration {
	r := rand.New(rand.NewPCG(6, 6))
	d := make([]time.Duration, workers)
	for i := range d {
		d[i] = time.Duration(100+r.IntN(201)) * time.Millisecond
	}
	return d
}

// errBroken is the failure of one worker in the second half of the demo.
var errBroken = errors.New("worker 3: the warp drive is broken")

func errgroupLimit(ctx context.Context, s *lesson.Stage) error {
	work := workTimes()
	var sum time.Duration
	for _, d := range work {
		sum += d
	}

	s.Heading("20 workers, at most %d at once", workerLimit)
	var active gauge
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workerLimit) // g.Go now blocks while 5 workers run
	begin := time.Now()
	for i, d := range work {
		g.Go(func() error {
			lane := s.Lane(fmt.Sprintf("worker %d", i+1))
			lane.Acquired("limit")
			active.enter(1)
			defer func() {
				active.leave(1)
				lane.Released("limit")
			}()
			return s.Sleep(gctx, d)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	elapsed := time.Since(begin)
	s.Finding("peak", float64(active.highest()), "workers at once")
	s.FindingDuration("elapsed", elapsed)
	s.FindingDuration("work", s.Scale(sum))
	s.Say("%v of work on %d at a time: at least %v, and here %v.",
		s.Scale(sum).Round(time.Millisecond), workerLimit, s.Scale(sum/workerLimit).Round(time.Millisecond), elapsed.Round(time.Millisecond))

	if err := s.Pause(ctx, "now worker 3 fails at once: what happens to the others?"); err != nil {
		return err
	}
	s.Heading("The first error cancels the rest")
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(workerLimit)
	started, cancelled := 0, 0
	results := make(chan error, workers)
	for i, d := range work {
		if gctx.Err() != nil {
			break // the group is cancelled: start no more work
		}
		started++
		g.Go(func() error {
			if i == 2 {
				return errBroken
			}
			err := s.Sleep(gctx, d) // cut short when the group is cancelled
			results <- err
			return nil
		})
	}
	err := g.Wait()
	close(results)
	for r := range results {
		if r != nil {
			cancelled++
		}
	}
	if !errors.Is(err, errBroken) {
		return fmt.Errorf("errgroup returned %v, want the broken worker's error", err)
	}
	s.Warn("g.Wait: %v", err)
	s.Finding("started", float64(started), "workers")
	s.Finding("skipped", float64(workers-started), "workers never started")
	s.Finding("cancelled", float64(cancelled), "workers cut short")
	s.Say("Wait returns the first error; the group's context is cancelled, so running workers")
	s.Say("stop early and the loop starts no more. The limit also throttles the loop itself:")
	s.Say("g.Go waits for a free slot, so it never had all 20 goroutines waiting.")
	return nil
}
