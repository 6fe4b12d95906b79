package race

import (
	"context"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// PerGoroutine is how many times each goroutine adds 1: the classic teaching version's
// g_num figure.
const PerGoroutine = 1_000_000

// Expected is the total every counter should reach.
const Expected = Goroutines * PerGoroutine

// lostUpdateTries bounds how often the racy counter runs again when a try
// happens to lose nothing, lostUpdateRetry apart (a limit, Stage.Limit: it
// waits for the machine, not for the story, so a fast speed never
// shortens it; a slow one stretches it like everything else).
const (
	lostUpdateTries = 10
	lostUpdateRetry = 150 * time.Millisecond
)

func lostUpdate(ctx context.Context, s *lesson.Stage) error {
	s.Heading("%d goroutines, each adding 1 to a shared int %s times", Goroutines, lesson.Number(PerGoroutine))
	s.Say("Both start at the same moment and run on different cores; the counter is a plain int.")
	if err := s.Pause(ctx, "how many of the 2,000,000 updates will arrive?"); err != nil {
		return err
	}
	// Updates are lost only while both goroutines run at the same instant
	// on two cores. When another program keeps a core busy, the operating
	// system runs both threads on the remaining one, one after the other,
	// and nothing is lost: the race is still there, it did not bite. A
	// try lasts a millisecond, so wait a moment between tries for the
	// busy core to come free, and say so.
	var total, tries int
	var elapsed time.Duration
	for tries = 1; ; tries++ {
		begin := time.Now()
		total = countUnsafely(s, PerGoroutine)
		elapsed = time.Since(begin)
		if total < Expected || tries == lostUpdateTries {
			break
		}
		s.Say("Try %d: all %s arrived; the two goroutines did not run at the same moment. Again.",
			tries, lesson.Number(Expected))
		select {
		case <-time.After(s.Limit(lostUpdateRetry)):
		case <-ctx.Done():
			return ctx.Err()
		}
	}

	s.Finding("total", float64(total), "of "+lesson.Number(Expected))
	s.Finding("lost", float64(Expected-total), "updates")
	s.FindingDuration("elapsed", elapsed)
	s.Finding("tries", float64(tries), "")
	if total == Expected {
		s.Warn("Nothing was lost in %d tries: the race is still there, it just did not bite. Run it again, or with --race.", tries)
		return ctx.Err()
	}
	s.Say("counter++ is three steps: LOAD the value into a register, ADD 1, STORE it back.")
	s.Say("When both goroutines LOAD the same value, both STORE value+1: one update vanishes.")
	s.Say("Step through it yourself with `conclab step`; fix it with a Mutex, an atomic, or one owner goroutine.")
	return nil
}

// fix runs one of the safe counters and records its total and its cost.
func fix(ctx context.Context, s *lesson.Stage, what string, count func(*lesson.Stage, int) int) error {
	s.Heading("The same %s increments, %s", lesson.Number(Expected), what)
	if err := s.Pause(ctx, "run it: is anything lost, and what does it cost?"); err != nil {
		return err
	}
	begin := time.Now()
	total := count(s, PerGoroutine)
	elapsed := time.Since(begin)

	s.Finding("total", float64(total), "of "+lesson.Number(Expected))
	s.Finding("lost", float64(Expected-total), "updates")
	s.FindingDuration("elapsed", elapsed)
	s.Finding("per-update", float64(elapsed.Nanoseconds())/Expected, "ns")
	return ctx.Err()
}

func withMutex(ctx context.Context, s *lesson.Stage) error {
	if err := fix(ctx, s, "each under a sync.Mutex", countWithMutex); err != nil {
		return err
	}
	s.Say("Nothing lost: one goroutine at a time runs LOAD, ADD, STORE. The cost is the")
	s.Say("two goroutines queueing for the lock on every single update.")
	return nil
}

func withAtomic(ctx context.Context, s *lesson.Stage) error {
	if err := fix(ctx, s, "each an atomic.Int64.Add", countAtomically); err != nil {
		return err
	}
	s.Say("Nothing lost: the CPU does LOAD, ADD, STORE as one indivisible instruction.")
	s.Say("Cheapest for one number; but two atomics are not one atomic: for an invariant")
	s.Say("between several values (lesson 3) you need a lock.")
	return nil
}

func withOwner(ctx context.Context, s *lesson.Stage) error {
	if err := fix(ctx, s, "sent to the one goroutine that owns the counter", countWithOwner); err != nil {
		return err
	}
	s.Say("Nothing lost, and nothing shared: only the owner touches the counter. A channel")
	s.Say("operation costs more than a lock here, but the pattern scales to state too big")
	s.Say("or too complex to guard with a lock (lesson 8: queues, lesson 12: the chat hub).")
	return nil
}
