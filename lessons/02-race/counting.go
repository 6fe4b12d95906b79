package race

import (
	"sync"
	"sync/atomic"

	"github.com/conclab/conclab/lessons/lesson"
)

// Goroutines is how many goroutines count together in every demo.
const Goroutines = 2

// Each of the four counters below starts Goroutines goroutines that each
// add 1 per times to one shared total. They differ only in what stands
// between the goroutines and the counter: nothing, a Mutex, an atomic
// add, or a channel to the one goroutine that owns it.
//
// A million increments take about a millisecond, less than it may take
// the scheduler to put the second goroutine on a CPU; so each goroutine
// first waits at a start barrier until all of them are running, and only
// then counts. That makes them overlap for real, even on a busy machine.

// startTogether is the start barrier: each goroutine checks in, then
// spins until every one has. Spinning, not sleeping or yielding, keeps
// the early ones on their CPUs, so the scheduler must run the others on
// other CPUs: when the last one checks in, all of them are running.
func startTogether(ready *atomic.Int32) {
	ready.Add(1)
	for ready.Load() < Goroutines {
	}
}

// countUnsafely shares a plain int: the data race of this lesson.
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

func laneName(i int) string { return "g" + string(rune('1'+i)) }
