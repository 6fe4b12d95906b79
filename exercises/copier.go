package exercises

import "time"

var copier = Exercise{
	Number:  15,
	Slug:    "copier",
	Title:   "A folder copier with a pool and a progress bar",
	Lesson:  "crawler",
	Files:   []string{"copier.go"},
	Imports: []string{"context", "errors", "fmt", "io", "io/fs", "os", "path/filepath", "strings", "sync", "sync/atomic"},
	// Six tests of well under a second; against a copier that opens one
	// file at a time, the pool test waits 2 s per case and the cancel
	// test 3 s.
	Timeout: 60 * time.Second,
}
