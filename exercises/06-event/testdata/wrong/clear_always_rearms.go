// want: fail
// Clear always makes a fresh channel, even on an event that is not set: the goroutines already waiting hold the old one, which no Set will ever close.
package event

import (
	"context"
	"sync"
)

// Event is a flag that goroutines can wait for. Create it with New.
type Event struct {
	mu sync.Mutex
	// ch is closed while the event is set. Closing a channel is the one
	// operation that wakes every receiver at once, so it is the broadcast.
	ch  chan struct{}
	set bool
}

// New returns an event that is not set.
func New() *Event {
	return &Event{ch: make(chan struct{})}
}

// Set sets the event and releases every goroutine waiting for it.
// Setting an event that is already set does nothing.
func (e *Event) Set() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.set {
		e.set = true
		close(e.ch)
	}
}

// Clear unsets the event, so that later calls to Wait block again.
func (e *Event) Clear() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.set = false
	e.ch = make(chan struct{}) // a fresh round, whatever the state
}

// IsSet reports whether the event is set.
func (e *Event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

// Wait blocks until the event is set or ctx is done. It returns nil when
// the event is set (at once if it already is), otherwise ctx.Err().
func (e *Event) Wait(ctx context.Context) error {
	e.mu.Lock()
	ch := e.ch
	e.mu.Unlock()
	// Never block while holding the lock: Set needs it to release us.
	select {
	case <-ch:
		return nil
	default:
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
