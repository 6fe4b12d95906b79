// Package event is a resettable event: goroutines wait until it is set,
// one Set releases all of them, and Clear arms it again.
//
// Read README.md for the task; the tests in event_test.go are the contract.
package event

import "context"

// Event is a flag that goroutines can wait for. Create it with New.
type Event struct {
	// TODO: the state you need (a mutex, the flag, something waiters
	// can block on that Set can release all at once).
}

// New returns an event that is not set.
func New() *Event {
	// TODO: initialise the event.
	return &Event{}
}

// Set sets the event and releases every goroutine waiting for it.
// Setting an event that is already set does nothing.
func (e *Event) Set() {
	// TODO
}

// Clear unsets the event, so that later calls to Wait block again.
func (e *Event) Clear() {
	// TODO
}

// IsSet reports whether the event is set.
func (e *Event) IsSet() bool {
	// TODO
	return false
}

// Wait blocks until the event is set or ctx is done. It returns nil when
// the event is set (at once if it already is), otherwise ctx.Err().
func (e *Event) Wait(ctx context.Context) error {
	// TODO: block until Set or cancellation.
	return nil
}
