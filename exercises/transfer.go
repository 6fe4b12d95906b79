package exercises

import "time"

var transfer = Exercise{
	Number:  4,
	Slug:    "transfer",
	Title:   "Transfers between accounts that never deadlock",
	Lesson:  "deadlock",
	Files:   []string{"transfer.go"},
	Imports: []string{"cmp", "errors", "fmt", "sync", "sync/atomic"},
	Points: map[string]int{
		"TestTransferMovesMoney":              1,
		"TestSelfTransferDoesNotDeadlock":     1,
		"TestOppositeDirectionsDoNotDeadlock": 3,
		"TestManyAccountsConserveMoney":       2,
		"TestNoOverdraftUnderContention":      1,
		"TestCheckAndMoveHoldBothLocks":       1,
		"TestIDsHandedOutInOneStep":           1,
		"TestUnrelatedTransfersDoNotWait":     2,
		"TestAuditNeverSeesMoneyInFlight":     2,
	},
	// Seven tests of at most 4 s each (the last two at most 9 s: a wait
	// of 0.5 s and two deadlines), even when every one deadlocks.
	Timeout: 45 * time.Second,
	// TestCheckAndMoveHoldBothLocks opens a gap after each unlock, even
	// one that leaves the other account locked.
	Gaps: true,
}
