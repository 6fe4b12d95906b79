package mutex

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The old course's numbers: ten workers, each adds 1 and sleeps 0.2 s.
const (
	scopeWorkers = 10
	scopeSleep   = 200 * time.Millisecond
)

// lockScope runs the ten workers twice: sleeping while holding the lock,
// then taking the lock only for the increment.
func lockScope(ctx context.Context, s *lesson.Stage) error {
	s.Say("%d workers each add 1 to a shared counter and sleep %v.", scopeWorkers, s.Scale(scopeSleep))
	if err := s.Pause(ctx, "sleep inside the lock: how long in total?"); err != nil {
		return err
	}
	s.Heading("Sleeping inside the lock")
	inside, err := scopeRun(ctx, s, true)
	if err != nil {
		return err
	}
	s.FindingDuration("inside-ms", inside)

	s.Heading("Only the increment inside the lock")
	outside, err := scopeRun(ctx, s, false)
	if err != nil {
		return err
	}
	s.FindingDuration("outside-ms", outside)
	s.Finding("ratio", inside.Seconds()/outside.Seconds(), "x")
	s.Say("The lock lets one worker in at a time, so whatever is inside it runs one after the other.")
	s.Say("Keep the critical section to the shared state, and do slow work outside it.")
	return nil
}

// scopeRun starts the workers and returns how long they took together.
func scopeRun(ctx context.Context, s *lesson.Stage, sleepInside bool) (time.Duration, error) {
	var mu sync.Mutex
	counter := 0
	errs := make([]error, scopeWorkers)
	begin := time.Now()
	var wg sync.WaitGroup
	for i := range scopeWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane := s.Lane(fmt.Sprintf("w%d", i))
			lane.Waiting("mu")
			mu.Lock()
			lane.Acquired("mu")
			counter++
			if sleepInside {
				errs[i] = s.Sleep(ctx, scopeSleep) // everyone else waits for this
			}
			lane.Released("mu")
			mu.Unlock()
			if !sleepInside {
				errs[i] = s.Sleep(ctx, scopeSleep) // sleeping side by side
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(begin)
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	if counter != scopeWorkers {
		return 0, fmt.Errorf("counter is %d, want %d", counter, scopeWorkers)
	}
	s.Say("counter = %d after %v", counter, elapsed.Round(time.Millisecond))
	return elapsed, nil
}
