//go:build unix

package runner

import (
	"os"
	"os/signal"
	"syscall"
)

// notifyResize delivers a value on the channel whenever the terminal is
// resized (SIGWINCH), until stop is called.
func notifyResize() (resized <-chan os.Signal, stop func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGWINCH)
	return c, func() { signal.Stop(c) }
}
