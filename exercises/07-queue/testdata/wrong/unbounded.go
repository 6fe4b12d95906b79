// want: fail
// Put never waits: the queue grows past its capacity, so there is no backpressure.
package queue

import (
	"context"
	"errors"
	"sync"
)

var ErrClosed = errors.New("queue: closed")

type Queue[T any] struct {
	mu      sync.Mutex
	items   []T
	closed  bool
	changed chan struct{}
}

func New[T any](capacity int) *Queue[T] { return &Queue[T]{changed: make(chan struct{})} }

func (q *Queue[T]) Put(ctx context.Context, v T) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrClosed
	}
	q.items = append(q.items, v)
	close(q.changed)
	q.changed = make(chan struct{})
	return nil
}

func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	var zero T
	q.mu.Lock()
	for {
		if len(q.items) > 0 {
			v := q.items[0]
			q.items = q.items[1:]
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

func (q *Queue[T]) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.changed)
		q.changed = make(chan struct{})
	}
}
