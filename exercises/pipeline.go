package exercises

import "time"

var pipeline = Exercise{
	Number:  10,
	Slug:    "pipeline",
	Title:   "A pipeline that stops early and leaks nothing",
	Lesson:  "context",
	Files:   []string{"pipeline.go"},
	Imports: []string{"context", "errors", "fmt", "sync", "sync/atomic"},
	Timeout: 30 * time.Second,
}
