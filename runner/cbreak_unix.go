//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package runner

import (
	"os"

	"golang.org/x/sys/unix"
)

// cbreak puts the terminal on f in character-at-a-time mode without echo,
// for single-key commands, and returns what puts it back. Unlike raw mode
// it keeps output processing (a "\n" still returns the carriage, so
// reports print as usual) and signals (Ctrl-C still interrupts).
func cbreak(f *os.File) (restore func(), err error) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Lflag &^= unix.ICANON | unix.ECHO
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &t); err != nil {
		return nil, err
	}
	return func() { _ = unix.IoctlSetTermios(fd, ioctlSetTermios, old) }, nil
}
