package servers

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// iterative runs a server that serves one connection to the end before it
// accepts the next: while it ticks to client 1, client 2 gets nothing.
func iterative(ctx context.Context, s *lesson.Stage) error {
	s.Heading("One connection at a time: for { conn := Accept(); tick(conn) }")
	ln, err := net.Listen("tcp", "127.0.0.1:0") // port 0: any free port
	if err != nil {
		return err
	}
	// The server runs in a goroutine of its own only so that the demo can
	// play its two clients meanwhile; it serves them one at a time.
	srvCtx, stop := context.WithCancel(ctx)
	served := make(chan struct{})
	go func() {
		defer close(served)
		lane := s.Lane("server")
		lane.Start()
		defer lane.Done()
		for n := 1; ; n++ {
			conn, err := ln.Accept()
			if err != nil {
				return // the listener was closed
			}
			lane.Printf("accepted client %d", n)
			tick(srvCtx, s, conn) // the next Accept waits until this returns
		}
	}()

	// Two clients connect and are watched for a while; then client 1
	// hangs up, and client 2 is served at last.
	err = watch(ctx, s, ln.Addr().String(), true)
	ln.Close() // ends Accept
	stop()     // ends tick
	<-served
	if err != nil {
		return err
	}
	s.Warn("client 2 was connected all along, queued by the kernel: the server")
	s.Warn("was inside tick(client 1) and called Accept again only when tick")
	s.Warn("returned, after client 1 had gone. One slow client stops them all.")
	return nil
}

// tick writes "tick N" to conn every period until ctx is done or the
// client goes away.
func tick(ctx context.Context, s *lesson.Stage, conn net.Conn) {
	defer conn.Close()
	for i := 1; ; i++ {
		conn.SetWriteDeadline(time.Now().Add(safety))
		if _, err := fmt.Fprintf(conn, "tick %d\n", i); err != nil {
			return
		}
		if s.Sleep(ctx, period) != nil {
			return
		}
	}
}
