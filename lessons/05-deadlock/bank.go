package deadlock

import (
	"context"
	"fmt"
	"sync"

	"github.com/conclab/conclab/lessons/lesson"
)

// Account is a bank account with its own lock, as in the classic teaching version.
type Account struct {
	Name    string
	mu      sync.Mutex
	balance int
}

// newBank returns the classic teaching version's two customers.
func newBank() (tom, jack *Account) {
	return &Account{Name: "Tom", balance: 10000}, &Account{Name: "Jack", balance: 6000}
}

// transferOwnFirst is the classic teaching version's transfer: lock your own account,
// then the other one. met is a barrier both transfers reach while holding
// their first lock, so the deadlock happens on every run, not by luck.
func transferOwnFirst(s *lesson.Stage, from, to *Account, amount int, met *sync.WaitGroup) {
	lane := s.Lane(from.Name + "->" + to.Name)
	lane.Start()
	lane.Waiting(from.Name)
	from.mu.Lock() // first lock: my own account
	lane.Acquired(from.Name)
	lane.Printf("locked %s, waiting for the other transfer to lock its own", from.Name)

	met.Done()
	met.Wait() // both now hold their first lock

	lane.Waiting(to.Name)
	lane.Printf("now locking %s...", to.Name)
	to.mu.Lock() // second lock: held by the other transfer, which waits for mine
	lane.Acquired(to.Name)

	from.balance -= amount
	to.balance += amount
	to.mu.Unlock()
	from.mu.Unlock()
	lane.Done()
}

// bankTransfers runs only in a child process: it deadlocks, and its parent
// ends it after a timeout with a goroutine dump.
func bankTransfers(ctx context.Context, s *lesson.Stage) error {
	tom, jack := newBank()
	s.Lane("Tom->Jack") // lanes in story order, for the timeline and the cycle
	s.Lane("Jack->Tom")
	var met, done sync.WaitGroup
	met.Add(2)
	done.Add(2)
	go func() { defer done.Done(); transferOwnFirst(s, tom, jack, 5000, &met) }()
	go func() { defer done.Done(); transferOwnFirst(s, jack, tom, 200, &met) }()
	done.Wait() // never returns
	return fmt.Errorf("the transfers finished: Tom %d, Jack %d", tom.balance, jack.balance)
}
