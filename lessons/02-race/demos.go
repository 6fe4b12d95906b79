package race

import (
	"context"
	"runtime"
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
	procs := runtime.GOMAXPROCS(0)
	if procs > 1 {
		s.Say("Both start at the same moment and run on different cores; the counter is a plain int.")
	} else {
		s.Say("GOMAXPROCS is 1: one thread runs Go code, so the two goroutines take turns on it; the counter is a plain int.")
	}
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
		// With one thread there is no busy core to wait for: the goroutines
		// take turns whatever happens, so one try says it all.
		if total < Expected || tries == lostUpdateTries || procs == 1 {
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
	if total == Expected && procs == 1 {
		s.Warn("Nothing was lost: with GOMAXPROCS=1 the goroutines took turns on one thread, and each")
		s.Warn("did its whole million inside one turn. The race is still there: --race reports it, and")
		s.Warn("with more than one thread it bites.")
		return ctx.Err()
	}
	if total == Expected {
		s.Warn("Nothing was lost in %d tries: the race is still there, it just did not bite. Run it again, or with --race.", tries)
		return ctx.Err()
	}
	for _, line := range lossStory(Expected-total, PerGoroutine) {
		s.Say("%s", line)
	}
	s.Say("Step through it yourself with `conclab step`; fix it with a Mutex, an atomic, or one owner goroutine.")
	return nil
}

// lossStory explains lost updates out of per per goroutine. Collisions
// lose one update each; losing about one goroutine's whole count is a
// different story, and the numbers would be baffling without it.
func lossStory(lost, per int) []string {
	story := []string{
		"counter++ is three steps: LOAD the value into a register, ADD 1, STORE it back.",
		"When both goroutines LOAD the same value, both STORE value+1: one update vanishes.",
	}
	if lost >= per*9/10 {
		story = append(story,
			"About one goroutine's whole count vanished: not that many collisions, one stale write-back.",
			"One goroutine LOADed the counter and was held up before its STORE (its thread lost its core,",
			"or, under --race, the detector's bookkeeping sits between the two) while the other did nearly",
			"all its additions; the late STORE wrote the old value plus 1 over all of them.")
	}
	return story
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
	s.Say("Nothing lost: the CPU does LOAD, ADD, STORE as one indivisible step (on amd64 one")
	s.Say("LOCK-prefixed instruction; on other CPUs an atomic instruction or a retry loop).")
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
