//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package runner

import "golang.org/x/sys/unix"

// fread is FREAD from the BSDs' <sys/fcntl.h>: TIOCFLUSH with it flushes
// the input queue only (x/sys/unix does not define it).
const fread = 0x1

// discardInput throws away what was typed on the terminal fd and not yet
// read (tcflush(fd, TCIFLUSH), which the BSDs spell TIOCFLUSH with
// FREAD): in line mode that includes a line not yet ended by Enter,
// which would otherwise arrive as keys later.
func discardInput(fd int) { _ = unix.IoctlSetPointerInt(fd, unix.TIOCFLUSH, fread) }
