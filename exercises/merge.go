package exercises

import "time"

var merge = Exercise{
	Number:  16,
	Slug:    "merge",
	Title:   "Fan-in: merge channels, stop on cancel",
	Lesson:  "patterns",
	Files:   []string{"merge.go"},
	Imports: []string{"context", "reflect", "sync", "sync/atomic"},
	Timeout: 30 * time.Second,
}
