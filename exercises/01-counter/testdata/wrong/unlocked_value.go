// want: race
// Inc and Add lock, but Value reads c.n without the lock: a read is an access too, and it races with every write.
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
	c.n++
	c.mu.Unlock()
}

// Add adds n (which may be negative) to the counter.
func (c *Counter) Add(n int64) {
	c.mu.Lock()
	c.n += n
	c.mu.Unlock()
}

// Value returns the current count.
func (c *Counter) Value() int64 { return c.n }
