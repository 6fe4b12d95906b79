// Package transfer is exercise 4: moving money between bank accounts that
// each have their own lock, without ever deadlocking.
//
// Read README.md for the task; the tests in transfer_test.go are the
// contract.
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
	// mu guards balance. Keep its name and type: the tests lock it
	// themselves, as a transfer in progress and as an auditor would.
	mu      sync.Mutex
	id      int64 // unique and never changes: no lock needed to read it
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

// Balance returns the account's balance.
func (a *Account) Balance() int64 {
	// TODO: read the balance safely while transfers run.
	return 0
}

// Transfer moves amount from one account to the other, as one step: no
// other transfer touching either account runs in between. It returns
// ErrInvalidAmount if amount is not positive and ErrInsufficientFunds if
// from holds less than amount; in both cases nothing changes. A transfer
// from an account to itself changes nothing and returns nil.
func Transfer(from, to *Account, amount int64) error {
	// TODO: lock both accounts, check, move the money. Any number of
	// transfers run at once, in every direction.
	return nil
}
