package exercises

import "time"

var transfer = Exercise{
	Number:  4,
	Slug:    "transfer",
	Title:   "Transfers between accounts that never deadlock",
	Lesson:  "deadlock",
	Files:   []string{"transfer.go"},
	Imports: []string{"cmp", "errors", "fmt", "sync", "sync/atomic"},
	Hints: [3]string{
		"A transfer needs both accounts' locks. Picture Tom->Jack and Jack->Tom starting at the same moment, each locking its payer first: who holds what, and who waits for whom? Then picture Transfer(a, a, 1).",
		"Break the circular wait: lock the two accounts in one global order that does not depend on the direction, e.g. the lower ID first. Handle from == to before locking anything (a Mutex locked twice by the same goroutine waits forever). Check the funds only once both locks are held, and lock in Balance too.",
		`Reject a bad amount and a self-transfer first, then lock the lower ID
first, whichever way the money goes:

	if amount <= 0 {
		return ErrInvalidAmount
	}
	if from == to {
		return nil
	}
	first, second := from, to
	if second.id < first.id {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()

With both locks held: if from.balance < amount, return
ErrInsufficientFunds; otherwise take amount from from.balance, add it to
to.balance and return nil.`,
	},
	Points: map[string]int{
		"TestTransferMovesMoney":              1,
		"TestSelfTransferDoesNotDeadlock":     1,
		"TestOppositeDirectionsDoNotDeadlock": 3,
		"TestManyAccountsConserveMoney":       2,
		"TestNoOverdraftUnderContention":      1,
		"TestUnrelatedTransfersDoNotWait":     2,
		"TestAuditNeverSeesMoneyInFlight":     2,
	},
	// Seven tests of at most 4 s each (the last two at most 9 s: a wait
	// of 0.5 s and two deadlines), even when every one deadlocks.
	Timeout: 45 * time.Second,
}
