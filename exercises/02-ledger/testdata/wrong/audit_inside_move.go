// want: deadlock
// Move holds the lock and calls Audit to check the funds, which locks again: Go's Mutex is not reentrant.
package ledger

import (
	"errors"
	"sync"
)

// ErrInsufficientFunds is returned by Move when the paying side holds less
// than the amount.
var ErrInsufficientFunds = errors.New("insufficient funds")

// Ledger holds two balances, A and B.
type Ledger struct {
	mu   sync.Mutex
	a, b int64
}

// New returns a ledger holding a in A and b in B.
func New(a, b int64) *Ledger { return &Ledger{a: a, b: b} }

// Move moves n from A to B (or -n from B to A).
func (l *Ledger) Move(n int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a, b := l.Audit(); n > a || -n > b {
		return ErrInsufficientFunds
	}
	l.a -= n
	l.b += n
	return nil
}

// Audit returns the two balances.
func (l *Ledger) Audit() (a, b int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.a, l.b
}
