// want: deadlock
// Inc takes the lock and then calls Add, which takes it again: Go's Mutex is not reentrant, so Inc waits for itself.
package counter

import "sync"

// Counter is a count that is safe for concurrent use by many goroutines.
type Counter struct {
	mu sync.Mutex
	n  int64
}

// Inc adds 1 to the counter.
func (c *Counter) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Add(1)
}

// Add adds n (which may be negative) to the counter.
func (c *Counter) Add(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += n
}

// Value returns the current count.
func (c *Counter) Value() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
