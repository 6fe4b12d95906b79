// want: fail
// One lock per balance: each field is safe on its own, but the invariant a+b spans both, and an audit between the two halves of a move sees it broken.
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
	muA, muB sync.Mutex
	a, b     int64
}

// New returns a ledger holding a in A and b in B.
func New(a, b int64) *Ledger { return &Ledger{a: a, b: b} }

// Move moves n from A to B (or -n from B to A).
func (l *Ledger) Move(n int64) error {
	payer, payee := &l.muA, &l.muB
	from, to := &l.a, &l.b
	if n < 0 {
		payer, payee, from, to, n = payee, payer, to, from, -n
	}
	payer.Lock()
	if n > *from {
		payer.Unlock()
		return ErrInsufficientFunds
	}
	*from -= n
	payer.Unlock()

	payee.Lock()
	*to += n
	payee.Unlock()
	return nil
}

// Audit returns the two balances.
func (l *Ledger) Audit() (a, b int64) {
	l.muA.Lock()
	a = l.a
	l.muA.Unlock()
	l.muB.Lock()
	b = l.b
	l.muB.Unlock()
	return a, b
}
