// Package ledger is exercise 2: two balances that change together, so that
// nobody ever sees money that is in neither place (or in both).
package ledger

import (
	"errors"
	"sync"
)

// ErrInsufficientFunds is returned by Move when the paying side holds less
// than the amount.
var ErrInsufficientFunds = errors.New("insufficient funds")

// Ledger holds two balances, A and B. Money only moves between them, so
// A+B never changes. It is safe for concurrent use.
type Ledger struct {
	// mu guards a and b together: the invariant a+b == total spans both
	// fields, so one lock must cover both of them.
	mu   sync.Mutex
	a, b int64
}

// New returns a ledger holding a in A and b in B.
func New(a, b int64) *Ledger { return &Ledger{a: a, b: b} }

// Move moves n from A to B when n > 0, and -n from B to A when n < 0.
// If the paying side holds less than that, Move changes nothing and
// returns ErrInsufficientFunds. Moving 0 changes nothing.
func (l *Ledger) Move(n int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The check and the move happen under the same lock: checking first
	// and locking afterwards would let two moves spend the same money.
	if n > l.a || -n > l.b {
		return ErrInsufficientFunds
	}
	l.a -= n
	l.b += n
	return nil
}

// Audit returns the two balances as they were at one single moment: never
// A from before a move together with B from after it.
func (l *Ledger) Audit() (a, b int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.a, l.b
}
