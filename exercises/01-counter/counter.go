// Package counter is exercise 1: a counter that many goroutines can use at
// the same time without losing a single update.
//
// This counter is correct for one goroutine and wrong for many: run
// `conclab check counter` to see the race detector point at its lines, then
// fix it.
package counter

// Counter is a count that is safe for concurrent use by many goroutines.
// Its zero value is ready to use and counts from 0.
type Counter struct {
	// TODO: n is shared by every goroutine that calls Inc, Add or Value;
	// nothing protects it yet. Add what keeps it safe.
	n int64
}

// Inc adds 1 to the counter.
func (c *Counter) Inc() {
	// TODO: c.n++ is a load, an add and a store; two goroutines interleave
	// them and updates are lost. Make it one indivisible step.
	c.n++
}

// Add adds n (which may be negative) to the counter.
func (c *Counter) Add(n int64) {
	// TODO: the same race as Inc.
	c.n += n
}

// Value returns the current count.
func (c *Counter) Value() int64 {
	// TODO: reading races with Inc and Add too.
	return c.n
}
