package exercises

import "time"

var event = Exercise{
	Number:  6,
	Slug:    "event",
	Title:   "An event: one Set releases every waiter",
	Lesson:  "events",
	Files:   []string{"event.go"},
	Imports: []string{"context", "sync", "sync/atomic", "time"},
	Hints: [3]string{
		"Waiters must block on something that one operation can release all at once. Which channel operation wakes every receiver?",
		"Keep a channel that is closed while the event is set, guarded by a mutex. Set closes it (once); Clear replaces a closed one with a new one. Wait takes the current channel under the lock, then waits without holding it.",
		`Wait takes the current channel under the lock and waits without it.
It checks the channel on its own first, so that a set event wins over a
cancelled context:

	e.mu.Lock()
	ch := e.ch
	e.mu.Unlock()
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
	}`,
	},
	Timeout: 30 * time.Second,
}
