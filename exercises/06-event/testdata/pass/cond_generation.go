// pass: a sync.Cond with a generation count, cancellation by context.AfterFunc
// The statement asks that one Set release every waiter, not how: each waiter looks at the flag and its Set's generation under the lock it waits with, so no Set can fall between its look and its sleep.
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
	// gen counts the Sets that changed the flag: a waiter released by
	// one stays released even if Clear runs before it wakes.
	gen uint64
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
	if !e.set {
		e.set = true
		e.gen++
		e.cond.Broadcast()
	}
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
	// A cancelled context wakes every waiter, each of which looks at its
	// own context; taking the lock first means no waiter can be between
	// its look and its sleep when the Broadcast comes.
	stop := context.AfterFunc(ctx, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.cond.Broadcast()
	})
	defer stop()
	e.mu.Lock()
	defer e.mu.Unlock()
	gen := e.gen
	for !e.set && e.gen == gen {
		if err := ctx.Err(); err != nil {
			return err
		}
		e.cond.Wait()
	}
	return nil
}
