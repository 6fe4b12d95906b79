package race

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/conclab/conclab/lessons/lesson"
)

// withMutex is fix 1: the racy counter with a sync.Mutex around n++.
func withMutex(ctx context.Context, s *lesson.Stage) error {
	if err := fix(ctx, s, "each under a sync.Mutex", countWithMutex); err != nil {
		return err
	}
	s.Say("Nothing lost: one goroutine at a time runs LOAD, ADD, STORE. The cost is the")
	s.Say("two goroutines queueing for the lock on every single update.")
	return nil
}

// countWithMutex lets one goroutine at a time do the three steps.
func countWithMutex(s *lesson.Stage, per int) int {
	var (
		mu      sync.Mutex
		counter int
	)
	var ready atomic.Int32
	var wg sync.WaitGroup
	for i := range Goroutines {
		lane := s.Lane(laneName(i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Start() // before the barrier: the stage's lock must not stagger the start
			startTogether(&ready)
			for range per {
				mu.Lock()
				counter++ // only the holder of mu gets here
				mu.Unlock()
			}
			lane.Printf("added 1, %s times", lesson.Number(float64(per)))
			lane.Done()
		}()
	}
	wg.Wait()
	return counter
}
