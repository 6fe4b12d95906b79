package exercises

import "time"

var pool = Exercise{
	Number:  8,
	Slug:    "pool",
	Title:   "A worker pool with graceful shutdown",
	Lesson:  "pools",
	Files:   []string{"pool.go"},
	Imports: []string{"errors", "fmt", "log", "sync", "sync/atomic"},
	// Six tests of at most ~5 s each (in practice well under a second).
	Timeout: 60 * time.Second,
}
