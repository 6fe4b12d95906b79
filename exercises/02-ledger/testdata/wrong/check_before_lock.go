// want: race
// Move checks the balance before taking the lock: the check races with other moves, and two moves can spend the same money.
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
	if n > l.a || -n > l.b {
		return ErrInsufficientFunds
	}
	l.mu.Lock()
	defer l.mu.Unlock()
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
