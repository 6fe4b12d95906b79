package race

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/conclab/conclab/lessons/lesson"
)

// lostUpdate is the lesson's first demo: two goroutines add 1 to a plain
// int a million times each, and the total comes up short.
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
	// on two cores; on a machine busy with other programs a try may lose
	// nothing, so untilLost runs the racy counter again a few times.
	total, tries, elapsed, err := untilLost(ctx, s, func() int { return countUnsafely(s, PerGoroutine) })
	if err != nil {
		return err
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

// countUnsafely shares a plain int: the data race of this lesson. Each
// goroutine waits at the start barrier (startTogether) so that they
// overlap for real, then adds 1, per times.
func countUnsafely(s *lesson.Stage, per int) int {
	var counter int
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
				counter++ // LOAD counter, ADD 1, STORE counter: three steps, and nothing stops the other goroutine in between
			}
			lane.Printf("added 1, %s times", lesson.Number(float64(per)))
			lane.Done()
		}()
	}
	wg.Wait()
	return counter
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
