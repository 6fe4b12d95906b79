// want: fail
// Inc is atomic, but Add loads and then stores: each step is atomic, the pair is not, so concurrent Adds lose updates.
package counter

import "sync/atomic"

// Counter is a count that is safe for concurrent use by many goroutines.
type Counter struct {
	n atomic.Int64
}

// Inc adds 1 to the counter.
func (c *Counter) Inc() { c.n.Add(1) }

// Add adds n (which may be negative) to the counter.
func (c *Counter) Add(n int64) {
	v := c.n.Load()
	c.n.Store(v + n)
}

// Value returns the current count.
func (c *Counter) Value() int64 { return c.n.Load() }
