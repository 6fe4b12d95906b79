package build

// Value returns the count.
func Value() int {
	return count
}
