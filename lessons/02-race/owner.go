package race

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/conclab/conclab/lessons/lesson"
)

// withOwner is fix 3: one goroutine owns the counter, the others send it
// their adds.
func withOwner(ctx context.Context, s *lesson.Stage) error {
	if err := fix(ctx, s, "sent to the one goroutine that owns the counter", countWithOwner); err != nil {
		return err
	}
	s.Say("Nothing lost, and nothing shared: only the owner touches the counter. A channel")
	s.Say("operation costs more than a lock here, but the pattern scales to state too big")
	s.Say("or too complex to guard with a lock (lesson 8: queues, lesson 12: the chat hub).")
	return nil
}

// countWithOwner gives the counter to one goroutine; the others ask it to
// add by sending on a channel. Nothing is shared, so nothing races: "do
// not communicate by sharing memory; share memory by communicating".
func countWithOwner(s *lesson.Stage, per int) int {
	adds := make(chan int, 64) // a small buffer, so senders rarely wait for the owner
	total := make(chan int)
	owner := s.Lane("owner")
	go func() {
		owner.Start()
		counter := 0 // only this goroutine ever touches counter
		for n := range adds {
			counter += n
		}
		owner.Printf("received every add: counter is %s", lesson.Number(float64(counter)))
		owner.Done()
		total <- counter
	}()

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
				adds <- 1
			}
			lane.Printf("added 1, %s times", lesson.Number(float64(per)))
			lane.Done()
		}()
	}
	wg.Wait()
	close(adds) // every add is sent: the owner may finish
	return <-total
}
