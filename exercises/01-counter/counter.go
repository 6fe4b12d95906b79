// Package counter is exercise 1: a counter that many goroutines can use at
// the same time without losing a single update.
package counter

// Counter is a count that is safe for concurrent use by many goroutines.
// Its zero value is ready to use and counts from 0.
type Counter struct {
	// TODO: add the state the counter needs (a value, and whatever keeps
	// it safe when many goroutines touch it at once).
}

// Inc adds 1 to the counter.
func (c *Counter) Inc() {
	// TODO: add 1 without losing updates from other goroutines.
}

// Add adds n (which may be negative) to the counter.
func (c *Counter) Add(n int64) {
	// TODO: add n without losing updates from other goroutines.
}

// Value returns the current count.
func (c *Counter) Value() int64 {
	// TODO: read the count safely while other goroutines change it.
	return 0
}
