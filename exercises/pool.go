package exercises

import "time"

var pool = Exercise{
	Number:  8,
	Slug:    "pool",
	Title:   "A worker pool with graceful shutdown",
	Lesson:  "pools",
	Files:   []string{"pool.go"},
	Imports: []string{"errors", "fmt", "log", "sync", "sync/atomic"},
	Hints: [3]string{
		"The number of goroutines running tasks is the limit: start n workers once, in New, and never a goroutine per task. How do tasks reach them, and how do the workers learn that there is no more work?",
		"Workers range over a channel of tasks; closing it ends their loops, and a WaitGroup tells Shutdown when they are gone. Guard 'closed' with a lock that Submit holds while it sends, so Shutdown cannot close the channel under a sender. Recover panics around each task, inside the worker loop.",
		`Submit holds the read lock while it sends (p.mu is a sync.RWMutex):

	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrClosed
	}
	p.tasks <- task
	return nil

Shutdown takes p.mu with Lock; if the pool is not closed yet, it sets
closed and closes p.tasks; then it unlocks and waits with p.wg.Wait().
Each worker:

	for task := range p.tasks {
		func() {
			defer func() { recover() }()
			task()
		}()
	}`,
	},
	// Six tests of at most ~5 s each (in practice well under a second).
	Timeout: 60 * time.Second,
}
