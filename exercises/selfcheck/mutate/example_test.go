package mutate_test

import (
	"fmt"

	"github.com/conclab/conclab/exercises/selfcheck/mutate"
)

func ExampleAll() {
	src := []byte(`package ledger

func (l *Ledger) Move(n int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n > l.a {
		return ErrInsufficientFunds
	}
	l.a -= n
	l.b += n
	return nil
}
`)
	ms, err := mutate.All("ledger.go", src)
	if err != nil {
		panic(err)
	}
	for _, m := range ms {
		fmt.Println(m.Operator, "|", m.Description)
	}
	// Output:
	// delete-lock-pair | ledger.go:4: deleted l.mu.Lock()/defer l.mu.Unlock() pair
	// lock-to-rlock | ledger.go:4: made l.mu.Lock()/defer l.mu.Unlock() pair RLock()/RUnlock()
	// split-critical-section | ledger.go:8: released and retook l.mu between the check n > l.a and the statement after it
	// remove-defer | ledger.go:5: deleted defer l.mu.Unlock()
}
