package exercises

import "time"

var fetchall = Exercise{
	Number:  0,
	Slug:    "fetchall",
	Title:   "Fetch every URL at once and wait for all",
	Lesson:  "goroutines",
	Files:   []string{"fetchall.go"},
	Imports: []string{"sync"},
	Points: map[string]int{
		"TestResultsInInputOrder":                  2,
		"TestFetchesRunAtOnce":                     2,
		"TestReturnsOnlyWhenEveryFetchHasReturned": 2,
		"TestAThousandFetchesTakeOneSecond":        1,
		"TestNoURLs":                               1,
	},
	// Every test runs in a synctest bubble, in fake time: a run takes
	// well under a second, and a deadlock is reported, not waited out.
	Timeout: 30 * time.Second,
}
