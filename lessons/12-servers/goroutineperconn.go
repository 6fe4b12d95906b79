package servers

import (
	"context"
	"net"
	"sync"

	"github.com/conclab/conclab/lessons/lesson"
)

// goroutinePerConn runs the same server with a goroutine per connection:
// the accept loop only accepts, and both clients are served at once.
func goroutinePerConn(ctx context.Context, s *lesson.Stage) error {
	s.Heading("A goroutine per connection: for { conn := Accept(); go tick(conn) }")
	ln, err := net.Listen("tcp", "127.0.0.1:0") // port 0: any free port
	if err != nil {
		return err
	}
	srvCtx, stop := context.WithCancel(ctx)
	served := make(chan struct{})
	go func() {
		defer close(served)
		lane := s.Lane("server")
		lane.Start()
		defer lane.Done()
		var wg sync.WaitGroup
		defer wg.Wait() // every tick has returned before the server is done
		for n := 1; ; n++ {
			conn, err := ln.Accept()
			if err != nil {
				return // the listener was closed
			}
			lane.Printf("accepted client %d", n)
			wg.Add(1)
			go func() { // the loop goes straight back to Accept
				defer wg.Done()
				tick(srvCtx, s, conn)
			}()
		}
	}()

	// Two clients connect and are watched for a while.
	err = watch(ctx, s, ln.Addr().String(), false)
	ln.Close() // ends Accept
	stop()     // ends every tick
	<-served
	if err != nil {
		return err
	}
	s.Say("The accept loop only accepts; each connection gets its own")
	s.Say("goroutine, and a slow or endless client holds up nobody else.")
	s.Say("This is what net/http does.")
	return nil
}
