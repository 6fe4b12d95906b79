package lockorder

import "sync"

// Account is a balance behind its own lock.
type Account struct {
	mu      sync.Mutex
	balance int
}

// Transfer moves n from one account to another, locking from first: two
// opposite transfers lock in opposite orders.
func Transfer(from, to *Account, n int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= n
	to.balance += n
}
