// want: race
// n++ without a lock is a load, an add and a store: two goroutines interleave and updates are lost.
package counter

// Counter is a count that is safe for concurrent use by many goroutines.
type Counter struct {
	n int64
}

// Inc adds 1 to the counter.
func (c *Counter) Inc() { c.n++ }

// Add adds n (which may be negative) to the counter.
func (c *Counter) Add(n int64) { c.n += n }

// Value returns the current count.
func (c *Counter) Value() int64 { return c.n }
