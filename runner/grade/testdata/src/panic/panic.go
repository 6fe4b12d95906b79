package panic

// Get indexes past the end.
func Get(s []int, i int) int {
	return s[i]
}
