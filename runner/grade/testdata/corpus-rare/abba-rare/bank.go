// Package bank moves money between accounts that each have their own
// lock, in the style of ledgers and inventory stores that lock both sides
// of a move.
package bank

import (
	"errors"
	"sync"
)

// ErrInsufficient is returned when the source account cannot pay.
var ErrInsufficient = errors.New("bank: insufficient funds")

// Account is a balance behind its own lock.
type Account struct {
	mu      sync.Mutex
	balance int
}

// NewAccount opens an account with an initial balance.
func NewAccount(balance int) *Account { return &Account{balance: balance} }

// Balance returns the current balance.
func (a *Account) Balance() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// Transfer moves amount from one account to another.
func Transfer(from, to *Account, amount int) error {
	from.mu.Lock()
	defer from.mu.Unlock()
	if from.balance < amount {
		return ErrInsufficient
	}
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
	return nil
}
