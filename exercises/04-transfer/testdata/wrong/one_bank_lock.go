// want: fail
// One lock for the whole bank around every transfer (then the two accounts' own, in ID order): never deadlocks, never loses money, but a transfer waiting for one account makes every other transfer in the bank wait too.
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

// bank makes transfers one at a time: with it held, taking the two
// accounts' locks can never deadlock.
var bank sync.Mutex

// Transfer moves amount from one account to the other.
func Transfer(from, to *Account, amount int64) error {
	if amount <= 0 {
		return ErrInvalidAmount
	}
	if from == to {
		return nil
	}
	bank.Lock()
	defer bank.Unlock()
	first, second := from, to
	if second.id < first.id {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	if from.balance < amount {
		return ErrInsufficientFunds
	}
	from.balance -= amount
	to.balance += amount
	return nil
}
