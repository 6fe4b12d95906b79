// Package queue is a blocking work queue built on sync.Cond, in the style
// of hand-written job queues shared by a pool of consumers.
package queue

import "sync"

// Queue is an unbounded FIFO whose Take blocks while it is empty.
type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []string
}

// New returns an empty queue.
func New() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Put appends item and wakes one consumer.
func (q *Queue) Put(item string) {
	q.mu.Lock()
	q.items = append(q.items, item)
	q.mu.Unlock()
	q.cond.Signal()
}

// Take removes and returns the oldest item, waiting for one if need be.
func (q *Queue) Take() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		q.cond.Wait()
	}
	item := q.items[0]
	q.items = q.items[1:]
	return item
}
