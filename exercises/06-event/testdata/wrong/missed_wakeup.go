// want: deadlock
// Wait checks the flag under the lock, unlocks, and locks again to wait on the Cond without checking again: a Set in between broadcasts to nobody, and the waiter sleeps forever.
package event

import (
	"context"
	"sync"
)

// Event is a flag that goroutines can wait for. Create it with New.
type Event struct {
	mu   sync.Mutex
	cond *sync.Cond
	set  bool
}

// New returns an event that is not set.
func New() *Event {
	e := &Event{}
	e.cond = sync.NewCond(&e.mu)
	return e
}

// Set sets the event and releases every goroutine waiting for it.
func (e *Event) Set() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.set = true
	e.cond.Broadcast()
}

// Clear unsets the event, so that later calls to Wait block again.
func (e *Event) Clear() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.set = false
}

// IsSet reports whether the event is set.
func (e *Event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

// Wait blocks until the event is set or ctx is done.
func (e *Event) Wait(ctx context.Context) error {
	if e.IsSet() {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Wake the waiters when ctx ends, so that cancellation works.
	stop := context.AfterFunc(ctx, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.cond.Broadcast()
	})
	defer stop()
	e.mu.Lock()
	defer e.mu.Unlock()
	for {
		// The flag was clear a moment ago, so wait for Set's Broadcast
		// first and look at the flag once woken.
		e.cond.Wait()
		if e.set {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}
