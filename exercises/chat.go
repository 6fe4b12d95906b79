package exercises

import "time"

var chat = Exercise{
	Number:  11,
	Slug:    "chat",
	Title:   "A TCP chat hub",
	Lesson:  "servers",
	Files:   []string{"chat.go"},
	Imports: []string{"bufio", "bytes", "context", "errors", "fmt", "io", "maps", "net", "slices", "strings", "sync", "sync/atomic", "time", "unicode", "unicode/utf8"},
	// Eleven tests; against a server that stalls, the slow-client test
	// takes 6 s and each bounded wait at most 5 s (the tests in a
	// synctest bubble wait on its fake clock, which passes at once).
	Timeout: 60 * time.Second,
	// Gaps: the grader opens a gap after each unlock in a synctest
	// bubble (runner/grade/gap.go), so a split join or accept loop is
	// caught in every run (TestTwoJoinsOfOneNameAtOnce,
	// TestShutdownAsAClientArrives).
	Gaps: true,
}
