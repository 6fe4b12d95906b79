package exercises

import "time"

var queue = Exercise{
	Number:  7,
	Slug:    "queue",
	Title:   "A bounded blocking queue with Close",
	Lesson:  "queues",
	Files:   []string{"queue.go"},
	Imports: []string{"container/list", "context", "errors", "fmt", "sync", "sync/atomic"},
	Timeout: 30 * time.Second,
	Gaps:    true,
}
