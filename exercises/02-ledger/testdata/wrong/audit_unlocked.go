// want: race
// Move holds the lock, but Audit reads a and b without it: the reads race with Move's writes.
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
	if n > l.a || -n > l.b {
		return ErrInsufficientFunds
	}
	l.a -= n
	l.b += n
	return nil
}

// Audit returns the two balances.
func (l *Ledger) Audit() (a, b int64) {
	return l.a, l.b // "only reading" is still an access
}
