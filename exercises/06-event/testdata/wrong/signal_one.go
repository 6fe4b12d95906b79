// want: deadlock
// Set calls Cond.Signal, which wakes one waiter; the others sleep forever.
package event

import (
	"context"
	"sync"
)

type Event struct {
	mu   sync.Mutex
	cond *sync.Cond
	set  bool
}

func New() *Event {
	e := &Event{}
	e.cond = sync.NewCond(&e.mu)
	return e
}

func (e *Event) Set() {
	e.mu.Lock()
	e.set = true
	e.mu.Unlock()
	e.cond.Signal()
}

func (e *Event) Clear() {
	e.mu.Lock()
	e.set = false
	e.mu.Unlock()
}

func (e *Event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

func (e *Event) Wait(ctx context.Context) error {
	if ctx.Err() != nil && !e.IsSet() {
		return ctx.Err()
	}
	// Wake every waiter when ctx ends, so cancellation works; Set does not.
	stop := context.AfterFunc(ctx, func() {
		e.mu.Lock()
		e.mu.Unlock()
		e.cond.Broadcast()
	})
	defer stop()
	e.mu.Lock()
	defer e.mu.Unlock()
	for !e.set {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e.cond.Wait()
	}
	return nil
}
