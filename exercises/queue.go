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
		"Get: lock; loop { if len(items) > 0 { take items[0], broadcast, unlock, return }; if closed { unlock; return zero, ErrClosed }; ch := q.changed; unlock; select { case <-ch: case <-ctx.Done(): return zero, ctx.Err() }; lock }. Put is the mirror image, checking closed first, then room.",
	},
	Timeout: 30 * time.Second,
}
