package exercises

import "time"

var event = Exercise{
	Number:  6,
	Slug:    "event",
	Title:   "An event: one Set releases every waiter",
	Lesson:  "events",
	Files:   []string{"event.go"},
	Imports: []string{"context", "sync", "sync/atomic", "time"},
	Timeout: 30 * time.Second,
	Gaps:    true,
}
