package goroutines

import (
	"context"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// step is one beat of a job: the classic teaching version's 1 s pause.
const step = time.Second

// job does 5 steps, pausing a step after each, printing in its own lane.
func job(ctx context.Context, s *lesson.Stage, name string) error {
	lane := s.Lane(name)
	lane.Start()
	defer lane.Done()
	for i := 1; i <= 5; i++ {
		lane.Printf("%s %d", name, i)
		if err := s.Sleep(ctx, step); err != nil {
			return err
		}
	}
	return nil
}

func serialVsConcurrent(ctx context.Context, s *lesson.Stage) error {
	s.Heading("One after the other")
	begin := time.Now()
	if err := job(ctx, s, "sing"); err != nil {
		return err
	}
	if err := job(ctx, s, "dance"); err != nil {
		return err
	}
	serial := time.Since(begin)
	s.FindingDuration("serial", serial)

	if err := s.Pause(ctx, "now side by side: how long will it take?"); err != nil {
		return err
	}
	s.Heading("Side by side: one goroutine each")
	begin = time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, name := range []string{"sing", "dance"} {
		wg.Go(func() { // go func() { ... }(), counted by wg until it returns
			errs[i] = job(ctx, s, name)
		})
	}
	wg.Wait() // without this, main would return and kill both jobs
	concurrent := time.Since(begin)
	s.FindingDuration("concurrent", concurrent)
	s.Finding("speedup", float64(serial)/float64(concurrent), "x")
	s.Say("The lines interleave in no fixed order: the scheduler decides who prints first.")
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
