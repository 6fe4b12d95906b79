package mutex

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// checkFor is how long the writer and the checker run, at speed 1.
const checkFor = time.Second

// pair holds the invariant a == b, true whenever nobody is between the
// two increments.
type pair struct {
	a, b int
}

// broken is one moment the checker saw a != b.
type broken struct{ a, b int }

// invariantUnlocked runs the writer and the checker with no lock at all.
// Both touch p.a and p.b at the same time: a data race, which is why the
// demo is Racy (under the race detector it runs in a child process).
func invariantUnlocked(ctx context.Context, s *lesson.Stage) error {
	s.Say("A writer does a++; b++ over and over; a checker reads both and notes every a != b.")
	s.Say("No lock: for %v they run side by side.", s.Scale(checkFor))
	p := &pair{}
	var stop atomic.Bool
	var seen []broken // the first few
	checks, nBroken := 0, 0
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // writer
		defer wg.Done()
		for !stop.Load() {
			p.a++
			p.b++ // between these two lines a != b
		}
	}()
	go func() { // checker: no stage calls in here, their lock would hide the race
		defer wg.Done()
		for !stop.Load() {
			a, b := p.a, p.b
			checks++
			if a != b {
				nBroken++
				if len(seen) < 5 {
					seen = append(seen, broken{a, b})
				}
			}
		}
	}()
	err := s.Sleep(ctx, checkFor)
	stop.Store(true)
	wg.Wait()
	report(s, checks, nBroken, seen)
	if nBroken > 0 {
		s.Warn("The checker caught the writer between a++ and b++: the invariant broke.")
	} else {
		s.Say("No broken pair this time: the race is still there, it just did not show. Run it again.")
	}
	return err
}

// invariantLocked runs the same two goroutines sharing one mutex: the
// writer holds it across both increments, the checker across both reads.
func invariantLocked(ctx context.Context, s *lesson.Stage) error {
	s.Say("The same writer and checker, both holding mu while they touch a and b, for %v.", s.Scale(checkFor))
	p := &pair{}
	var mu sync.Mutex
	var stop atomic.Bool
	var seen []broken // the first few
	checks, nBroken := 0, 0
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // writer
		defer wg.Done()
		for !stop.Load() {
			mu.Lock()
			p.a++
			p.b++
			mu.Unlock()
		}
	}()
	go func() { // checker
		defer wg.Done()
		for !stop.Load() {
			mu.Lock()
			a, b := p.a, p.b
			mu.Unlock()
			checks++
			if a != b {
				nBroken++
				if len(seen) < 5 {
					seen = append(seen, broken{a, b})
				}
			}
		}
	}()
	err := s.Sleep(ctx, checkFor)
	stop.Store(true)
	wg.Wait()
	mu.Lock()
	s.Finding("writes", float64(p.a), "a++; b++")
	mu.Unlock()
	report(s, checks, nBroken, seen)
	if nBroken == 0 {
		s.Say("Never once: the checker can only look when the writer is not between a++ and b++.")
	}
	return err
}

// report prints the first broken pairs and records the counts.
func report(s *lesson.Stage, checks, nBroken int, seen []broken) {
	for _, x := range seen {
		s.Warn("  a=%d b=%d", x.a, x.b)
	}
	if more := nBroken - len(seen); more > 0 {
		s.Say("  ... and %s more", lesson.Number(float64(more)))
	}
	s.Finding("checks", float64(checks), "checks")
	s.Finding("broken", float64(nBroken), "times a != b")
}
