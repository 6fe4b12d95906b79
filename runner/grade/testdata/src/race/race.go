package race

// Counter loses updates: n++ is a load, an add and a store.
type Counter struct{ n int }

// Inc adds one without a lock.
func (c *Counter) Inc() {
	c.n++
}

// Value reads without a lock.
func (c *Counter) Value() int {
	return c.n
}
