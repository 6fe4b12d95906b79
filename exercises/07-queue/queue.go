// Package queue is a bounded blocking FIFO queue that producers and
// consumers share: Put waits while it is full, Get waits while it is empty,
// and Close lets consumers drain what is left.
//
// Read README.md for the task; the tests in queue_test.go are the contract.
package queue

import (
	"context"
	"errors"
)

// ErrClosed is returned by Put after Close, and by Get once the queue is
// closed and empty.
var ErrClosed = errors.New("queue: closed")

// Queue is a FIFO queue holding at most a fixed number of items.
// Create it with New.
type Queue[T any] struct {
	// TODO: the items, the capacity, whether it is closed, a lock, and a
	// way for blocked callers to wait that also lets them give up when
	// their context is done.
}

// New returns an empty queue that holds at most capacity items.
// It panics if capacity < 1.
func New[T any](capacity int) *Queue[T] {
	// TODO
	return &Queue[T]{}
}

// Put adds v at the back of the queue, waiting while the queue is full.
// It returns ErrClosed if the queue is closed (before or while waiting),
// or ctx.Err() if ctx is done first; then v was not added.
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	// TODO
	return errors.New("TODO: Put is not written yet")
}

// Get removes and returns the item at the front of the queue, waiting
// while the queue is empty. Once the queue is closed, Get still returns the
// items left in it, then ErrClosed. It returns ctx.Err() if ctx is done
// before an item arrives.
func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	var zero T
	// TODO
	return zero, errors.New("TODO: Get is not written yet")
}

// Close closes the queue: blocked and later Puts return ErrClosed, and Gets
// drain the remaining items, then return ErrClosed. Closing twice is
// allowed.
func (q *Queue[T]) Close() {
	// TODO
}
