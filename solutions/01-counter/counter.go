// Package counter is exercise 1: a counter that many goroutines can use at
// the same time without losing a single update.
package counter

import "sync"

// Counter is a count that is safe for concurrent use by many goroutines.
// Its zero value is ready to use and counts from 0.
type Counter struct {
	mu sync.Mutex // guards n: n++ is a load, an add and a store
	n  int64
}

// Inc adds 1 to the counter.
func (c *Counter) Inc() { c.Add(1) }

// Add adds n (which may be negative) to the counter.
func (c *Counter) Add(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += n
}

// Value returns the current count.
func (c *Counter) Value() int64 {
	// Reading needs the lock too: an unlocked read races with Add.
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
