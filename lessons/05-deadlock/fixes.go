package deadlock

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// transferOrdered locks the two accounts in one global order (by name),
// whichever way the money goes: both transfers want Jack first, so one of
// them gets both locks and the other waits without holding anything.
func transferOrdered(lane *lesson.Lane, from, to *Account, amount int) bool {
	if from == to {
		return true // locking the same mutex twice would deadlock on its own
	}
	first, second := from, to
	if second.Name < first.Name {
		first, second = second, first
	}
	lane.Waiting(first.Name)
	first.mu.Lock()
	lane.Acquired(first.Name)
	lane.Waiting(second.Name)
	second.mu.Lock()
	lane.Acquired(second.Name)
	defer func() {
		second.mu.Unlock()
		lane.Released(second.Name)
		first.mu.Unlock()
		lane.Released(first.Name)
	}()
	if from.balance < amount {
		return false // insufficient funds
	}
	from.balance -= amount
	to.balance += amount
	return true
}

// waitOrFail waits for wg, or fails after limit (a Stage.Limit) with an
// explanation: a fix that does not work must not hang the demo.
func waitOrFail(wg *sync.WaitGroup, limit time.Duration, what string) error {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(limit):
		return fmt.Errorf("%s still running after %v: deadlocked", what, limit)
	}
}

const stressRounds = 10000

func lockOrder(ctx context.Context, s *lesson.Stage) error {
	tom, jack := newBank()
	s.Heading("The same two transfers, both locking Jack before Tom")
	var wg sync.WaitGroup
	start := make(chan struct{}) // both start together, as in the deadlock
	for _, t := range []struct {
		from, to *Account
		amount   int
	}{{tom, jack, 5000}, {jack, tom, 200}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane := s.Lane(t.from.Name + "->" + t.to.Name)
			lane.Start()
			defer lane.Done()
			<-start
			transferOrdered(lane, t.from, t.to, t.amount)
			lane.Printf("sent %d", t.amount)
		}()
	}
	close(start)
	if err := waitOrFail(&wg, s.Limit(5*time.Second), "the two transfers"); err != nil {
		return err
	}
	s.Finding("tom", float64(tom.balance), "")
	s.Finding("jack", float64(jack.balance), "")

	if err := s.Pause(ctx, "and under load, both directions at once?"); err != nil {
		return err
	}
	s.Heading("%d transfers each way, at the same time", stressRounds)
	quiet := lesson.NewStage(lesson.Options{}) // a timeline nobody draws: 40,000 events
	var refused [2]int
	for i, dir := range [][2]*Account{{tom, jack}, {jack, tom}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane := quiet.Lane(dir[0].Name + "->" + dir[1].Name)
			for range stressRounds {
				if !transferOrdered(lane, dir[0], dir[1], 1) {
					refused[i]++
				}
			}
		}()
	}
	if err := waitOrFail(&wg, s.Limit(5*time.Second), "the stress transfers"); err != nil {
		return err
	}
	s.Finding("transfers", 2+2*stressRounds, "")
	s.Finding("refused", float64(refused[0]+refused[1]), "for insufficient funds")
	s.Finding("total", float64(tom.balance+jack.balance), "in the bank")
	s.Say("No deadlock, and no money made or lost. The order only has to be global and")
	s.Say("fixed: by name here, by account number in a real bank (exercise 4).")
	return ctx.Err()
}

// transferTry locks its own account, then only tries the other's; when it
// cannot have both it lets go of the first and backs off for a random
// while. That breaks "hold and wait". met forces the same collision as
// the deadlock demo on the first attempt.
func transferTry(ctx context.Context, s *lesson.Stage, from, to *Account, amount int, met *sync.WaitGroup, rng *rand.Rand) (retries int, err error) {
	lane := s.Lane(from.Name + "->" + to.Name)
	lane.Start()
	defer lane.Done()
	for attempt := 1; attempt <= 100; attempt++ {
		lane.Waiting(from.Name)
		from.mu.Lock()
		lane.Acquired(from.Name)
		if attempt == 1 {
			met.Done()
			met.Wait() // both hold their own account, exactly as before
		}
		if to.mu.TryLock() {
			lane.Acquired(to.Name)
			from.balance -= amount
			to.balance += amount
			to.mu.Unlock()
			lane.Released(to.Name)
			from.mu.Unlock()
			lane.Released(from.Name)
			if retries := attempt - 1; retries == 1 {
				lane.Printf("sent %d after 1 retry", amount)
			} else {
				lane.Printf("sent %d after %d retries", amount, retries)
			}
			return attempt - 1, nil
		}
		from.mu.Unlock() // cannot have both: hold nothing while waiting
		lane.Released(from.Name)
		// Random, growing back-off: if both retried on the same beat they
		// could collide forever (a livelock).
		pause := time.Duration(1+rng.IntN(10*attempt)) * time.Millisecond
		lane.Printf("%s is busy: let go of %s, retry in %v", to.Name, from.Name, s.Scale(pause))
		if err := s.Sleep(ctx, pause); err != nil {
			return attempt, err
		}
	}
	return 100, errors.New("gave up after 100 attempts: a livelock")
}

func tryLock(ctx context.Context, s *lesson.Stage) error {
	tom, jack := newBank()
	var met, wg sync.WaitGroup
	met.Add(2)
	retries := make([]int, 2)
	errs := make([]error, 2)
	for i, t := range []struct {
		from, to *Account
		amount   int
	}{{tom, jack, 5000}, {jack, tom, 200}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 5)) // each its own sequence
			retries[i], errs[i] = transferTry(ctx, s, t.from, t.to, t.amount, &met, rng)
		}()
	}
	if err := waitOrFail(&wg, s.Limit(5*time.Second), "the TryLock transfers"); err != nil {
		return err
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := s.Pause(ctx, "who had to retry?"); err != nil {
		return err
	}
	s.Finding("retries", float64(retries[0]+retries[1]), "")
	s.Finding("tom", float64(tom.balance), "")
	s.Finding("jack", float64(jack.balance), "")
	s.Finding("total", float64(tom.balance+jack.balance), "in the bank")
	s.Say("The first TryLock always fails (the other transfer still holds its account), so at")
	s.Say("least one retry is certain; then one transfer gets both locks. TryLock is a last")
	s.Say("resort in Go (its docs say so): lock order is simpler and never spins.")
	return nil
}
