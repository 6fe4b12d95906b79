// want: fail
// Close throws away the items still in the queue: consumers lose them.
package queue

import (
	"context"
	"errors"
	"sync"
)

// ErrClosed is returned by Put after Close, and by Get once the queue is
// closed and empty.
var ErrClosed = errors.New("queue: closed")

// Queue is a FIFO queue holding at most a fixed number of items.
// Create it with New.
type Queue[T any] struct {
	mu       sync.Mutex
	items    []T
	capacity int
	closed   bool
	// changed is closed, and replaced, whenever items or closed change:
	// a sync.Cond that a blocked caller can select on together with
	// ctx.Done().
	changed chan struct{}
}

// New returns an empty queue that holds at most capacity items.
// It panics if capacity < 1.
func New[T any](capacity int) *Queue[T] {
	if capacity < 1 {
		panic("queue: capacity must be at least 1")
	}
	return &Queue[T]{capacity: capacity, changed: make(chan struct{})}
}

// broadcastLocked wakes every blocked caller so that it checks again.
// The caller holds q.mu.
func (q *Queue[T]) broadcastLocked() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// Put adds v at the back of the queue, waiting while the queue is full.
// It returns ErrClosed if the queue is closed (before or while waiting),
// or ctx.Err() if ctx is done first; then v was not added.
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	q.mu.Lock()
	for {
		if q.closed {
			q.mu.Unlock()
			return ErrClosed
		}
		if len(q.items) < q.capacity {
			q.items = append(q.items, v)
			q.broadcastLocked()
			q.mu.Unlock()
			return nil
		}
		changed := q.changed
		q.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
		q.mu.Lock()
	}
}

// Get removes and returns the item at the front of the queue, waiting
// while the queue is empty. Once the queue is closed, Get still returns the
// items left in it, then ErrClosed. It returns ctx.Err() if ctx is done
// before an item arrives.
func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	var zero T
	q.mu.Lock()
	for {
		if len(q.items) > 0 {
			v := q.items[0]
			q.items[0] = zero // let the garbage collector have it
			q.items = q.items[1:]
			q.broadcastLocked()
			q.mu.Unlock()
			return v, nil
		}
		if q.closed {
			q.mu.Unlock()
			return zero, ErrClosed
		}
		changed := q.changed
		q.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
		q.mu.Lock()
	}
}

// Close closes the queue: blocked and later Puts return ErrClosed, and Gets
// drain the remaining items, then return ErrClosed. Closing twice is
// allowed.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		q.items = nil
		q.broadcastLocked()
	}
}
