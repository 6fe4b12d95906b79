// Package ledger is exercise 2: two balances that change together, so that
// nobody ever sees money that is in neither place (or in both).
package ledger

import "errors"

// ErrInsufficientFunds is returned by Move when the paying side holds less
// than the amount.
var ErrInsufficientFunds = errors.New("insufficient funds")

// Ledger holds two balances, A and B. Money only moves between them, so
// A+B never changes. It is safe for concurrent use.
type Ledger struct {
	// TODO: the two balances, and what keeps them consistent.
}

// New returns a ledger holding a in A and b in B.
func New(a, b int64) *Ledger {
	// TODO: store the starting balances.
	return &Ledger{}
}

// Move moves n from A to B when n > 0, and -n from B to A when n < 0.
// If the paying side holds less than that, Move changes nothing and
// returns ErrInsufficientFunds. Moving 0 changes nothing.
func (l *Ledger) Move(n int64) error {
	// TODO: check the paying side and move the money as one step.
	return nil
}

// Audit returns the two balances as they were at one single moment: never
// A from before a move together with B from after it.
func (l *Ledger) Audit() (a, b int64) {
	// TODO: read both balances as one step.
	return 0, 0
}
