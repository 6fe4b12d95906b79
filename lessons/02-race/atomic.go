package race

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/conclab/conclab/lessons/lesson"
)

// withAtomic is fix 2: the counter is an atomic.Int64.
func withAtomic(ctx context.Context, s *lesson.Stage) error {
	if err := fix(ctx, s, "each an atomic.Int64.Add", countAtomically); err != nil {
		return err
	}
	s.Say("Nothing lost: the CPU does LOAD, ADD, STORE as one indivisible step (on amd64 one")
	s.Say("LOCK-prefixed instruction; on other CPUs an atomic instruction or a retry loop).")
	s.Say("Cheapest for one number; but two atomics are not one atomic: for an invariant")
	s.Say("between several values (lesson 3) you need a lock.")
	return nil
}

// countAtomically makes the three steps one indivisible step (one
// LOCK-prefixed instruction on amd64).
func countAtomically(s *lesson.Stage, per int) int {
	var counter atomic.Int64
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
				counter.Add(1) // LOCK XADD on amd64: load, add and store as one
			}
			lane.Printf("added 1, %s times", lesson.Number(float64(per)))
			lane.Done()
		}()
	}
	wg.Wait()
	return int(counter.Load())
}
