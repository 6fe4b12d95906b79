//go:build !unix

package runner

import "os"

// notifyResize returns a channel that never delivers: without SIGWINCH
// a new size is noticed only when the next step is drawn.
func notifyResize() (resized <-chan os.Signal, stop func()) { return nil, func() {} }
