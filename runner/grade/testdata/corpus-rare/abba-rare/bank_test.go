package bank

import (
	"sync"
	"testing"
)

// TestTransfersBothWays has two clients pay each other at the same time.
func TestTransfersBothWays(t *testing.T) {
	alice, bob := NewAccount(100), NewAccount(100)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range 20 {
			Transfer(alice, bob, 1)
		}
	}()
	go func() {
		defer wg.Done()
		for range 20 {
			Transfer(bob, alice, 1)
		}
	}()
	wg.Wait()
	if got := alice.Balance() + bob.Balance(); got != 200 {
		t.Fatalf("total %d after transfers, want 200", got)
	}
}
