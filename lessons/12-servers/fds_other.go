//go:build !unix

package servers

// fdLimit returns want: Windows has no small per-process limit on sockets.
func fdLimit(want int) int { return want }
