// want: fail
// Move releases the lock between taking from one side and paying the other: no data race, but an audit in between sees the money nowhere.
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
	if n > l.a || -n > l.b {
		l.mu.Unlock()
		return ErrInsufficientFunds
	}
	l.a -= n
	l.mu.Unlock()

	l.mu.Lock()
	l.b += n
	l.mu.Unlock()
	return nil
}

// Audit returns the two balances.
func (l *Ledger) Audit() (a, b int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.a, l.b
}
