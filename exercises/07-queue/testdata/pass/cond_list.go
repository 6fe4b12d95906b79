// pass: a container/list under one sync.Cond, cancellation by context.AfterFunc
// The statement asks for a blocking queue, not how it blocks: each call looks at the queue and goes to sleep under the one lock it waits with (Cond.Wait), so no Put, Get or Close can fall between its look and its sleep.
package queue

import (
	"container/list"
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
	changed  *sync.Cond // broadcast whenever items or closed change, or a context is done
	items    *list.List
	capacity int
	closed   bool
}

// New returns an empty queue that holds at most capacity items.
// It panics if capacity < 1.
func New[T any](capacity int) *Queue[T] {
	if capacity < 1 {
		panic("queue: capacity must be at least 1")
	}
	q := &Queue[T]{items: list.New(), capacity: capacity}
	q.changed = sync.NewCond(&q.mu)
	return q
}

// wakeOnDone wakes the waiters when ctx is done, so that the one waiting
// with ctx sees ctx.Err(); the caller calls the returned stop.
func (q *Queue[T]) wakeOnDone(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.changed.Broadcast()
		q.mu.Unlock()
	})
}

// Put adds v at the back of the queue, waiting while the queue is full.
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	stop := q.wakeOnDone(ctx)
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for !q.closed && q.items.Len() >= q.capacity {
		if err := ctx.Err(); err != nil {
			return err
		}
		q.changed.Wait()
	}
	if q.closed {
		return ErrClosed
	}
	q.items.PushBack(v)
	q.changed.Broadcast()
	return nil
}

// Get removes and returns the item at the front of the queue, waiting
// while the queue is empty and open.
func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	stop := q.wakeOnDone(ctx)
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for !q.closed && q.items.Len() == 0 {
		if err := ctx.Err(); err != nil {
			var zero T
			return zero, err
		}
		q.changed.Wait()
	}
	if q.items.Len() == 0 {
		var zero T
		return zero, ErrClosed
	}
	v := q.items.Remove(q.items.Front()).(T)
	q.changed.Broadcast()
	return v, nil
}

// Close closes the queue; closing twice is allowed.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.changed.Broadcast()
}
