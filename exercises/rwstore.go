package exercises

import "time"

var rwstore = Exercise{
	Number:  3,
	Slug:    "rwstore",
	Title:   "A store for many readers and one writer at a time",
	Lesson:  "rwmutex",
	Files:   []string{"rwstore.go"},
	Imports: []string{"maps", "sync", "sync/atomic"},
	Points: map[string]int{
		"TestUpdateThenView":        1,
		"TestReadersShareView":      2,
		"TestWriterRunsAlone":       3,
		"TestUpdatesAreNotLost":     2,
		"TestGetAndSnapshot":        1,
		"TestReadersWaitForAWriter": 2,
		// Lesson 4's trap: a recursive RLock behind a waiting writer.
		"TestReadersShareTheStore":   2,
		"TestReadWhileWriterWaits":   3,
		"TestReadersSeeWholeUpdates": 2,
	},
	// Nine tests, the longest 3 deadlines of 5 s, even when all deadlock.
	Timeout: 90 * time.Second,
}
