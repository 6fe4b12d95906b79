package exercises

import "time"

var counter = Exercise{
	Number:  1,
	Slug:    "counter",
	Title:   "A counter safe for concurrent use",
	Lesson:  "race",
	Files:   []string{"counter.go"},
	Imports: []string{"sync", "sync/atomic"},
	Points: map[string]int{
		"TestZeroValueCountsFromZero": 1,
		"TestIncFromManyGoroutines":   2,
		"TestAddFromManyGoroutines":   2,
		"TestValueWhileCounting":      2,
	},
	// Four tests of at most 3 s each, even when every one deadlocks.
	Timeout: 30 * time.Second,
}
