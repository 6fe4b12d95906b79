package events

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// Event is a resettable event, like Python's threading.Event: Set opens
// it and wakes every waiter, Clear closes it again, Wait blocks while it
// is closed. A channel can be closed only once, so a resettable event
// needs a flag guarded by a mutex and a sync.Cond to sleep on.
type Event struct {
	mu   sync.Mutex
	cond *sync.Cond
	set  bool
}

// NewEvent returns a cleared event.
func NewEvent() *Event {
	e := &Event{}
	e.cond = sync.NewCond(&e.mu)
	return e
}

// Set opens the event and wakes every goroutine in Wait.
func (e *Event) Set() {
	e.mu.Lock()
	e.set = true
	e.mu.Unlock()
	e.cond.Broadcast() // Signal would wake just one
}

// Clear closes the event: later calls to Wait block until the next Set.
func (e *Event) Clear() {
	e.mu.Lock()
	e.set = false
	e.mu.Unlock()
}

// IsSet reports whether the event is open.
func (e *Event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

// Wait blocks until the event is set.
func (e *Event) Wait() {
	e.mu.Lock()
	defer e.mu.Unlock()
	// A loop, not an if: by the time a woken waiter holds the lock again,
	// someone may have called Clear.
	for !e.set {
		e.cond.Wait() // unlocks mu while asleep, locks it again on waking
	}
}

func resettable(ctx context.Context, s *lesson.Stage) error {
	s.Say("A level crossing: cars wait while the barrier is down (event clear).")
	barrier := NewEvent()
	var passed atomic.Int32
	var wg sync.WaitGroup
	cars := func(from, n int) {
		for i := from; i < from+n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				lane := s.Lane(fmt.Sprintf("car %d", i))
				lane.Waiting("barrier")
				barrier.Wait()
				lane.Acquired("barrier")
				lane.Printf("crossed")
				passed.Add(1)
			}()
		}
	}

	s.Heading("Barrier down, three cars arrive")
	cars(1, 3)
	if err := s.Sleep(ctx, 300*time.Millisecond); err != nil {
		barrier.Set() // let them go, so nothing is left waiting
		wg.Wait()
		return err
	}
	s.Finding("crossed-while-down", float64(passed.Load()), "cars")
	if err := s.Pause(ctx, "the barrier goes up: who crosses?"); err != nil {
		barrier.Set()
		wg.Wait()
		return err
	}
	barrier.Set()
	wg.Wait()
	s.Finding("crossed-after-set", float64(passed.Load()), "cars")

	s.Heading("The barrier comes down again (Clear); three more cars arrive")
	barrier.Clear()
	cars(4, 3)
	if err := s.Sleep(ctx, 300*time.Millisecond); err != nil {
		barrier.Set()
		wg.Wait()
		return err
	}
	s.Finding("crossed-after-clear", float64(passed.Load()-3), "cars")
	barrier.Set()
	wg.Wait()
	s.Finding("crossed-after-second-set", float64(passed.Load()-3), "cars")
	s.Say("Clear re-armed the event, which a closed channel cannot do. The price is the")
	s.Say("lock, the flag and the loop around cond.Wait; and Wait here cannot time out or")
	s.Say("be cancelled. When that matters, swap in a fresh channel on Clear instead")
	s.Say("(exercise 6 builds such an Event with Wait(ctx)).")
	return nil
}
