// want: fail
// Debits the payer under its own lock, unlocks it, then credits the payee under the payee's lock: never two locks at once, so no deadlock, but in between the money is in neither account.
package transfer

import (
	"errors"
	"sync"
	"sync/atomic"
)

// Errors returned by Transfer.
var (
	ErrInsufficientFunds = errors.New("insufficient funds")
	ErrInvalidAmount     = errors.New("amount must be positive")
)

// Account is a bank account. Each account has its own lock, so transfers
// between different pairs of accounts can run at the same time.
type Account struct {
	mu      sync.Mutex // guards balance
	id      int64      // unique and never changes: no lock needed to read it
	balance int64
}

var lastID atomic.Int64

// NewAccount returns an account holding balance, with a new unique ID.
func NewAccount(balance int64) *Account {
	return &Account{id: lastID.Add(1), balance: balance}
}

// ID returns the account's unique ID. IDs never change, and no two
// accounts share one.
func (a *Account) ID() int64 { return a.id }

// Balance returns the balance.
func (a *Account) Balance() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// Transfer moves amount from one account to the other.
func Transfer(from, to *Account, amount int64) error {
	if amount <= 0 {
		return ErrInvalidAmount
	}
	if from == to {
		return nil
	}
	// One lock at a time: nothing to take in any order.
	from.mu.Lock()
	if from.balance < amount {
		from.mu.Unlock()
		return ErrInsufficientFunds
	}
	from.balance -= amount
	from.mu.Unlock()

	to.mu.Lock()
	to.balance += amount
	to.mu.Unlock()
	return nil
}
