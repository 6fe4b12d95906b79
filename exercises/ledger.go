package exercises

import "time"

var ledger = Exercise{
	Number:  2,
	Slug:    "ledger",
	Title:   "Two balances that move together",
	Lesson:  "mutex",
	Files:   []string{"ledger.go"},
	Imports: []string{"errors", "fmt", "sync", "sync/atomic"},
	Hints: [3]string{
		"The rule to protect is A+B == total, and it spans both fields. Anything that lets another goroutine look between 'A changed' and 'B changed' breaks it, even when every single field access is safe.",
		"Use one sync.Mutex for both balances. Move must check the funds, take from one side and pay the other all while holding it; Audit must read both while holding it. Two locks, or unlocking in between, is not enough.",
		`Give Ledger a field mu sync.Mutex next to a and b. Move checks and
moves under that one lock:

	func (l *Ledger) Move(n int64) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		if n > l.a || -n > l.b {
			return ErrInsufficientFunds
		}
		l.a -= n
		l.b += n
		return nil
	}

Audit locks, returns l.a and l.b, and unlocks. Do not call Audit from
inside Move: Go's Mutex is not reentrant.`,
	},
	Points: map[string]int{
		"TestMoveAndAudit":               1,
		"TestAuditNeverSeesHalfAMove":    3,
		"TestNoOverdraftUnderContention": 2,
	},
	// Three tests of at most 3 s each, even when every one deadlocks.
	Timeout: 30 * time.Second,
}
