package exercises

import "time"

var once = Exercise{
	Number:  9,
	Slug:    "once",
	Title:   "Lazy initialization, exactly once",
	Lesson:  "once",
	Files:   []string{"once.go"},
	Imports: []string{"errors", "fmt", "sync", "sync/atomic"},
	Timeout: 30 * time.Second,
}
