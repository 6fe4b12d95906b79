package patterns

import (
	"context"
	"math/rand/v2"
	"sync"

	"github.com/conclab/conclab/lessons/lesson"
)

// livelock runs tom and jack, each taking its own lock and trying the
// other's (polite), first with the same back-off, then with a random
// one. A barrier has them try at the same moment every round, so that
// every run shows what a fixed back-off only sometimes does.
func livelock(ctx context.Context, s *lesson.Stage) error {
	for _, random := range []bool{false, true} {
		key := "fixed"
		if random {
			key = "random"
			if err := s.Pause(ctx, "now each backs off a random number of rounds: how long until both are done?"); err != nil {
				return err
			}
			s.Heading("Random back-off: each sits out a round with probability 1/2")
		} else {
			s.Heading("Fixed back-off: both let go and retry at the same moment")
		}
		var a, b sync.Mutex
		bar := newBarrier(2)
		var wg sync.WaitGroup
		rounds := make([]int, 2)
		done := 0
		var mu sync.Mutex
		for i, locks := range [][2]*sync.Mutex{{&a, &b}, {&b, &a}} {
			lane := s.Lane([]string{"tom", "jack"}[i])
			wg.Go(func() {
				r, ok := polite(ctx, lane, locks[0], locks[1], bar, random)
				mu.Lock()
				defer mu.Unlock()
				rounds[i] = r
				if ok {
					done++
				}
			})
		}
		wg.Wait()
		s.Finding(key+"-rounds", float64(max(rounds[0], rounds[1])), "rounds")
		s.Finding(key+"-done", float64(done), "of 2")
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	s.Say("With the same back-off both goroutines ran all the time, took and released a lock")
	s.Say("%d times each, and got nowhere: a livelock. Not blocked, so no deadlock detector", maxRounds)
	s.Say("and no goroutine dump points at it; only the missing progress does. Randomness breaks")
	s.Say("the symmetry: as soon as one is late, the other gets both locks.")
	return nil
}

// maxRounds bounds the polite pair, who would go on forever.
const maxRounds = 1000

// polite is one of two goroutines that each need both locks. It takes its
// own first, tries the other's, and if that is taken lets go of its own
// and tries again: TryLock and back off, the deadlock fix of lesson 5.
// Each round both meet at the barrier before trying the second lock and
// again after: the moment at which two goroutines with the same fixed
// back-off keep meeting anyway, made exact so that every run shows it.
// With random set, a goroutine sits a round out now and then, the way a
// random back-off would make it late.
func polite(ctx context.Context, lane *lesson.Lane, first, second *sync.Mutex, bar *barrier, random bool) (rounds int, done bool) {
	defer bar.Leave()
	for rounds = 1; rounds <= maxRounds; rounds++ {
		sitOut := random && rand.IntN(2) == 0
		if !sitOut {
			first.Lock()
		}
		if bar.Await(ctx) != nil { // both have taken their first lock, or sat out
			if !sitOut {
				first.Unlock()
			}
			return rounds, false
		}
		got := !sitOut && second.TryLock()
		_ = bar.Await(ctx) // both have tried the other's lock (ctx is checked below)
		if got {
			lane.Printf("got both locks in round %d: done", rounds)
			second.Unlock()
			first.Unlock()
			return rounds, true
		}
		if !sitOut {
			first.Unlock() // "after you!"
		}
		if ctx.Err() != nil {
			return rounds, false
		}
	}
	lane.Printf("gave up after %d rounds without once holding both locks", maxRounds)
	return maxRounds, false
}

// barrier lets n goroutines meet: Await returns when all n are waiting.
// Leave takes one goroutine out for good, so the others stop waiting for it.
type barrier struct {
	mu      sync.Mutex
	n       int
	waiting int
	met     chan struct{} // closed when the current meeting is complete
}

func newBarrier(n int) *barrier { return &barrier{n: n, met: make(chan struct{})} }

func (b *barrier) Await(ctx context.Context) error {
	b.mu.Lock()
	b.waiting++
	met := b.met
	b.releaseLocked()
	b.mu.Unlock()
	select {
	case <-met:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *barrier) Leave() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n--
	b.releaseLocked()
}

// releaseLocked completes the meeting if everyone still taking part is
// waiting.
func (b *barrier) releaseLocked() {
	if b.waiting > 0 && b.waiting >= b.n {
		close(b.met)
		b.met = make(chan struct{})
		b.waiting = 0
	}
}
