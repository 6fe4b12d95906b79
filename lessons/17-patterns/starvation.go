package patterns

import (
	"context"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// starvation serves a low-priority queue behind an always-busy high
// one, with strict priority and with a plain select (serve); then one
// goroutine relocks a sync.Mutex in a tight loop while another asks
// for it now and then.
func starvation(ctx context.Context, s *lesson.Stage) error {
	s.Heading("Strict priority: a high-priority job always waiting")
	s.Say("%d rounds; %d low-priority jobs wait from the start.", starveRounds, lowJobs)
	strict := serve(true)
	s.Say("low-priority jobs served: %d of %d", strict, lowJobs)
	s.Finding("strict-low-served", float64(strict), "of 3")

	s.Heading("Plain select: among ready cases, one at random")
	fair := serve(false)
	s.Say("low-priority jobs served: %d of %d", fair, lowJobs)
	s.Finding("fair-low-served", float64(fair), "of 3")
	if err := s.Pause(ctx, "a goroutine relocking a sync.Mutex in a tight loop: can another ever get it?"); err != nil {
		return err
	}

	s.Heading("A greedy goroutine relocks a sync.Mutex at once, again and again")
	var mu sync.Mutex
	stop, started := make(chan struct{}), make(chan struct{})
	var greedyDone sync.WaitGroup
	greedyDone.Go(func() {
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			mu.Lock()
			if n == 0 {
				close(started) // the other goroutine starts only now
			}
			for t := time.Now(); time.Since(t) < greedyHoldTime; { // busy inside the lock
			}
			mu.Unlock() // and straight back to Lock
		}
	})
	<-started
	got, worst := 0, time.Duration(0)
	deadline := time.Now().Add(s.Limit(10 * time.Second))
	for got < politeLocks && time.Now().Before(deadline) && ctx.Err() == nil {
		asked := time.Now()
		mu.Lock()
		worst = max(worst, time.Since(asked))
		got++
		mu.Unlock()
		time.Sleep(time.Millisecond) // polite: gives the lock a rest between turns
	}
	close(stop)
	greedyDone.Wait()
	s.Say("the other goroutine got the lock %d times of %d; its longest wait was %v", got, politeLocks, worst.Round(time.Microsecond))
	s.Finding("mutex-polite-got", float64(got), "of 20")
	s.Finding("mutex-worst-wait", float64(worst.Microseconds()), "µs")
	s.Say("Strict priority starved the low queue completely: the work was there, the server was")
	s.Say("busy, and nothing was ever wrong except the policy. select's random choice cannot")
	s.Say("starve a ready case. sync.Mutex cannot starve a waiter either: one that waits over")
	s.Say("1 ms switches the mutex to starvation mode, where Unlock hands it to the oldest waiter.")
	return ctx.Err()
}

const (
	lowJobs        = 3
	starveRounds   = 1000
	politeLocks    = 20
	greedyHoldTime = 50 * time.Microsecond
)

// serve handles starveRounds jobs from two queues. Every high-priority job
// queues another one (a retry, a follow-up), so the high queue is never
// empty: the worst case for a priority scheme, and a common one.
// With strict priority it takes low work only when there is no high work;
// otherwise it lets select choose among the ready cases, at random.
func serve(strict bool) (lowServed int) {
	high := make(chan int, 1)
	low := make(chan int, lowJobs)
	high <- 1
	for i := range lowJobs {
		low <- i
	}
	for range starveRounds {
		if strict {
			select {
			case n := <-high:
				high <- n + 1 // the follow-up
				continue
			default: // only now look at low
			}
		}
		select {
		case n := <-high:
			high <- n + 1
		case <-low:
			lowServed++
		}
	}
	return lowServed
}
