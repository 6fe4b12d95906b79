package exercises

import "time"

var pool = Exercise{
	Number: 8,
	Slug:   "pool",
	Title:  "A worker pool with graceful shutdown",
	Lesson: "pools",
	// Gaps: the grader opens a gap after each unlock in a synctest
	// bubble (runner/grade/gap.go), so the split Submit and Shutdown
	// are caught in every run.
	Gaps:    true,
	Files:   []string{"pool.go"},
	Imports: []string{"errors", "fmt", "log", "sync", "sync/atomic"},
	// Six tests of at most ~5 s each (in practice well under a second).
	Timeout: 60 * time.Second,
}
