// Command deadlock is the bank transfer of lesson 5: each transfer locks
// its own account, then the other's, in opposite orders. Built with
// CGO_ENABLED=0 the runtime notices that every goroutine is asleep.
package main

import (
	"sync"
	"time"
)

type account struct {
	mu      sync.Mutex
	balance int
}

func transfer(from, to *account, amount int, wg *sync.WaitGroup) {
	defer wg.Done()
	from.mu.Lock()
	time.Sleep(50 * time.Millisecond) // both now hold their own account
	to.mu.Lock()
	from.balance -= amount
	to.balance += amount
	to.mu.Unlock()
	from.mu.Unlock()
}

func main() {
	tom := &account{balance: 10000}
	jack := &account{balance: 6000}
	var wg sync.WaitGroup
	wg.Add(2)
	go transfer(tom, jack, 5000, &wg)
	go transfer(jack, tom, 200, &wg)
	wg.Wait()
}
