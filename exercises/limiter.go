package exercises

import "time"

var limiter = Exercise{
	Number:  5,
	Slug:    "limiter",
	Title:   "Many jobs, at most N at once, first error cancels",
	Lesson:  "semaphore",
	Files:   []string{"limiter.go"},
	Imports: []string{"context", "errors", "fmt", "sync", "sync/atomic", "golang.org/x/sync/errgroup", "golang.org/x/sync/semaphore"},
	Points: map[string]int{
		"TestResultsInInputOrder":         1,
		"TestPeakConcurrency":             2,
		"TestNextJobStartsWhenASlotFrees": 1,
		"TestFirstErrorCancelsTheRest":    2,
		"TestCancellingCtxStopsMap":       1,
		"TestMapWaitsForEveryJob":         1,
		"TestManyJobsUnderRace":           1,
	},
	// Seven tests; the synctest ones take no real time, the two in real
	// time at most about 10 s together even for a stuck solution.
	Timeout: 30 * time.Second,
}
