package lockorder

import "testing"

// TestTransfers never deadlocks: the two transfers run one after the
// other. The lock order is inverted all the same.
func TestTransfers(t *testing.T) {
	a, b := &Account{balance: 10}, &Account{balance: 10}
	Transfer(a, b, 1)
	Transfer(b, a, 1)
	if a.balance != 10 || b.balance != 10 {
		t.Fatalf("balances %d and %d, want 10 and 10", a.balance, b.balance)
	}
}
