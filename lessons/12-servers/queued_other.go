//go:build !unix

package servers

import (
	"net"
	"time"
)

// waitQueued gives the bytes time to arrive: peeking at a socket's
// receive queue is a Unix call. On loopback they are there in well under
// the 100 ms it waits.
func waitQueued(conn *net.TCPConn, n int) error {
	time.Sleep(100 * time.Millisecond)
	return nil
}
