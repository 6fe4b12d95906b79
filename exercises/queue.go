package exercises

import "time"

var queue = Exercise{
	Number:  7,
	Slug:    "queue",
	Title:   "A bounded blocking queue with Close",
	Lesson:  "queues",
	Files:   []string{"queue.go"},
	Imports: []string{"container/list", "context", "errors", "fmt", "sync", "sync/atomic"},
	Hints: [3]string{
		"Waiting must end for three reasons: the queue changed, it was closed, or ctx is done. sync.Cond cannot wait for a context; a channel can, inside a select.",
		"Keep the items in a slice guarded by a mutex, plus a closed flag. Give the queue a 'changed' channel: whoever changes the queue closes it and makes a new one; a blocked caller takes the current one under the lock, unlocks, and selects on it and ctx.Done(), then checks again.",
		`Get, where q.changed is the channel that every change closes and
replaces:

	q.mu.Lock()
	for {
		if len(q.items) > 0 {
			// take q.items[0], close and replace q.changed,
			// unlock and return the item
		}
		if q.closed {
			q.mu.Unlock()
			return zero, ErrClosed
		}
		ch := q.changed
		q.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
		q.mu.Lock()
	}

Put is the mirror image, checking closed first, then room.`,
	},
	Timeout: 30 * time.Second,
}
