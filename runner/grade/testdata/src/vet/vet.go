package vet

import "sync"

// Counter holds a lock.
type Counter struct {
	mu sync.Mutex
	n  int
}

// Value copies the lock along with the counter.
func Value(c Counter) int {
	return c.n
}
