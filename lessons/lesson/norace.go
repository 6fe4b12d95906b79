//go:build !race

package lesson

// RaceEnabled reports whether this binary was built with -race.
const RaceEnabled = false
