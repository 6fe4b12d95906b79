package exercises

import "time"

var crawler = Exercise{
	Number:  14,
	Slug:    "crawler",
	Title:   "A bounded, de-duplicating crawler",
	Lesson:  "crawler",
	Files:   []string{"crawler.go"},
	Imports: []string{"context", "errors", "fmt", "slices", "sync", "sync/atomic", "golang.org/x/sync/errgroup", "golang.org/x/sync/semaphore"},
	// Eight tests in fake time and one on loopback: well under a second;
	// a deadlocked crawl is reported by synctest at once.
	Timeout: 60 * time.Second,
}
