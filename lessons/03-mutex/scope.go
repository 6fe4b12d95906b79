package mutex

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version's numbers: ten workers, each adds 1 and sleeps 0.2 s.
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
	inside, peakIn, err := scopeRun(ctx, s, true)
	if err != nil {
		return err
	}
	s.FindingDuration("inside-ms", inside)
	s.Finding("sleeping-at-once-inside", float64(peakIn), "workers")

	s.Heading("Only the increment inside the lock")
	outside, peakOut, err := scopeRun(ctx, s, false)
	if err != nil {
		return err
	}
	s.FindingDuration("outside-ms", outside)
	s.Finding("sleeping-at-once-outside", float64(peakOut), "workers")
	s.Finding("ratio", inside.Seconds()/outside.Seconds(), "x")
	s.Say("The lock lets one worker in at a time, so whatever is inside it runs one after the other.")
	s.Say("Keep the critical section to the shared state, and do slow work outside it.")
	return nil
}

// scopeRun starts the workers and returns how long they took together and
// how many of them were sleeping at the same moment, at the most.
func scopeRun(ctx context.Context, s *lesson.Stage, sleepInside bool) (time.Duration, int32, error) {
	var mu sync.Mutex
	counter := 0
	errs := make([]error, scopeWorkers)
	var sleeping, peak atomic.Int32 // counted, not guessed from the clock
	sleep := func(i int) {
		n := sleeping.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		errs[i] = s.Sleep(ctx, scopeSleep)
		sleeping.Add(-1)
	}
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
				sleep(i) // everyone else waits for this
			}
			lane.Released("mu")
			mu.Unlock()
			if !sleepInside {
				sleep(i) // sleeping side by side
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(begin)
	for _, err := range errs {
		if err != nil {
			return 0, 0, err
		}
	}
	if counter != scopeWorkers {
		return 0, 0, fmt.Errorf("counter is %d, want %d", counter, scopeWorkers)
	}
	s.Say("counter = %d after %v, at most %d workers sleeping at once", counter, elapsed.Round(time.Millisecond), peak.Load())
	return elapsed, peak.Load(), nil
}
