//go:build linux

package runner

import "golang.org/x/sys/unix"

// discardInput throws away what was typed on the terminal fd and not yet
// read (tcflush(fd, TCIFLUSH)): in line mode that includes a line not
// yet ended by Enter, which would otherwise arrive as keys later.
func discardInput(fd int) { _ = unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIFLUSH) }
