package exercises

import "time"

var indexerCheck = Exercise{
	Number: 17,
	Slug:   "indexer-check",
	Title:  "Make a flaky test deterministic",
	Lesson: "testing",
	Files:  []string{"check.go"},
	// No fmt or reflect: the indexer's unexported state stays unreadable,
	// so the check can only observe what any test could.
	Imports: []string{"context", "sync", "testing", "time", "github.com/conclab/conclab/exercises/17-indexer-check/indexer"},
	Points: map[string]int{
		"TestCheckPassesCorrectIndexers":             2,
		"TestCheckFailsAnIndexerThatNeverIndexes":    1,
		"TestCheckFailsAnIndexerWhoseHookComesFirst": 1,
		"TestCheckFailsAnIndexerThatForgets":         1,
	},
	// Four tests of 50 runs each in fake time: well under a second of
	// real time, even for a check that waits an hour for nothing.
	Timeout: 30 * time.Second,
}
