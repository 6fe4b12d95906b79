package exercises

import "time"

var ledger = Exercise{
	Number:  2,
	Slug:    "ledger",
	Title:   "Two balances that move together",
	Lesson:  "mutex",
	Files:   []string{"ledger.go"},
	Imports: []string{"errors", "fmt", "sync", "sync/atomic"},
	Points: map[string]int{
		"TestMoveAndAudit":               1,
		"TestAuditNeverSeesHalfAMove":    3,
		"TestNoOverdraftUnderContention": 2,
		"TestEveryMoveIsOneStep":         2,
	},
	// Four tests of at most 3 s each, even when every one deadlocks.
	Timeout: 30 * time.Second,
	Gaps:    true,
}
