//go:build unix

package servers

import (
	"net"
	"syscall"
)

// waitQueued returns once at least n bytes have arrived on conn and wait,
// unread, in the kernel's receive queue (or conn's deadline passes). It
// peeks (MSG_PEEK), so the bytes stay there for the next Read. The framing
// demo uses it to make "the writes have landed before the reader reads"
// certain rather than likely.
func waitQueued(conn *net.TCPConn, n int) error {
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	buf := make([]byte, n)
	var peekErr error
	err = raw.Read(func(fd uintptr) bool {
		got, _, err := syscall.Recvfrom(int(fd), buf, syscall.MSG_PEEK)
		if err == syscall.EAGAIN || (err == nil && got < n && got > 0) {
			return false // not all there yet: wait until the socket is readable again
		}
		peekErr = err
		return true
	})
	if err != nil {
		return err
	}
	return peekErr
}
