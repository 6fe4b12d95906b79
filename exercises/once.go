package exercises

import "time"

var once = Exercise{
	Number: 9,
	Slug:   "once",
	Title:  "Lazy initialization, exactly once: one value, then one per key",
	Lesson: "once",
	// Gaps: the grader opens a gap after each unlock in a synctest
	// bubble (runner/grade/gap.go), so a Cache.Get that looks a key up,
	// unlocks, and locks again to make its entry lets every caller of
	// that key miss, in every run of TestCacheLoadsEachKeyOnce.
	Gaps:    true,
	Files:   []string{"once.go"},
	Imports: []string{"errors", "fmt", "sync", "sync/atomic"},
	Points: map[string]int{
		"TestNotBuiltUntilGet":             1,
		"TestBuiltOnceAcross100Goroutines": 2,
		"TestCallersWaitForTheValue":       1,
		"TestErrorIsNotRetried":            1,
		// The per-key cache: lesson 10's double-checked locking in a map.
		"TestCacheLoadsEachKeyOnce":      3,
		"TestCacheCallersWaitForTheLoad": 2,
		"TestCacheKeysLoadInParallel":    3,
		"TestCacheErrorsAreFinalPerKey":  1,
	},
	// Eight tests, the longest a few deadlines of 2-5 s even when they
	// deadlock; in practice well under a second.
	Timeout: 60 * time.Second,
}
