package servers

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version's server ticks to its client every 0.5 s, for ever. The
// demo watches for 1.5 s: long enough for several ticks.
const (
	period = 500 * time.Millisecond
	window = 1500 * time.Millisecond
	// safety bounds every network wait in real time, so that nothing can
	// hang however loaded the machine.
	safety = 10 * time.Second
)

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

// serveOneAtATime accepts a connection and serves it to the end before it
// accepts the next one. tick ends only when its client goes away, so the
// second client waits for the first to leave.
func serveOneAtATime(ctx context.Context, s *lesson.Stage, ln net.Listener) {
	lane := s.Lane("server")
	lane.Start()
	defer lane.Done()
	for n := 1; ; n++ {
		conn, err := ln.Accept()
		if err != nil {
			return // the listener was closed
		}
		lane.Printf("accepted client %d", n)
		tick(ctx, s, conn) // the next Accept waits until this returns
	}
}

// serveEach accepts connections and serves each in its own goroutine.
func serveEach(ctx context.Context, s *lesson.Stage, ln net.Listener) {
	lane := s.Lane("server")
	lane.Start()
	defer lane.Done()
	var wg sync.WaitGroup
	defer wg.Wait()
	for n := 1; ; n++ {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		lane.Printf("accepted client %d", n)
		wg.Add(1)
		go func() { // the loop goes straight back to Accept
			defer wg.Done()
			tick(ctx, s, conn)
		}()
	}
}

// client connects to addr and counts the ticks it reads until its
// connection is closed.
type client struct {
	conn  net.Conn
	ticks atomic.Int64
	first chan struct{} // closed at the first tick
	done  chan struct{} // closed when the reader ends
}

func dial(s *lesson.Stage, name, addr string) (*client, error) {
	conn, err := net.DialTimeout("tcp", addr, safety)
	if err != nil {
		return nil, err
	}
	c := &client{conn: conn, first: make(chan struct{}), done: make(chan struct{})}
	lane := s.Lane(name)
	lane.Start()
	s.Bound(conn, s.Scale(window)+s.Limit(safety)) // pauses do not count
	go func() {
		defer close(c.done)
		defer lane.Done()
		sc := bufio.NewScanner(conn)
		for sc.Scan() { // ends when the demo closes conn, or the server does
			if c.ticks.Add(1) == 1 {
				close(c.first)
			}
			lane.Received("conn")
			lane.Printf("%s", sc.Text())
		}
	}()
	return c, nil
}

// watch runs server on a loopback listener, connects two clients, and
// watches them for window, then records what each client got. With
// hangUp, client 1 then hangs up, and watch records how soon client 2 is
// served after that. At the end it closes everything.
func watch(ctx context.Context, s *lesson.Stage, server func(context.Context, *lesson.Stage, net.Listener), hangUp bool) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // port 0: any free port
	if err != nil {
		return err
	}
	srvCtx, stop := context.WithCancel(ctx)
	served := make(chan struct{})
	go func() {
		defer close(served)
		server(srvCtx, s, ln)
	}()
	defer func() {
		ln.Close() // ends Accept
		stop()     // ends tick
		<-served
	}()

	c1, err := dial(s, "client 1", ln.Addr().String())
	if err != nil {
		return err
	}
	defer func() { c1.conn.Close(); <-c1.done }()
	select { // client 1 is being served before client 2 arrives
	case <-c1.first:
	case <-time.After(s.Limit(safety)):
		return fmt.Errorf("client 1 got no tick within %v", s.Limit(safety))
	case <-ctx.Done():
		return ctx.Err()
	}
	c2, err := dial(s, "client 2", ln.Addr().String())
	if err != nil {
		return err
	}
	defer func() { c2.conn.Close(); <-c2.done }()
	s.Say("both clients connected: the kernel completes the handshake itself")

	t0 := time.Now()
	var firstAfter time.Duration = -1
	wait := time.NewTimer(s.Scale(window))
	defer wait.Stop()
	select {
	case <-c2.first:
		firstAfter = time.Since(t0)
		select { // and watch them both for the rest of the window
		case <-wait.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	case <-wait.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	paused := s.Pause(ctx, "what did client 2 get?")
	s.Finding("client1-ticks", float64(c1.ticks.Load()), "ticks")
	s.Finding("client2-ticks", float64(c2.ticks.Load()), "ticks")
	if firstAfter >= 0 {
		s.FindingDuration("client2-first-tick-after", firstAfter)
	} else {
		s.FindingDuration("client2-waited", time.Since(t0))
	}
	if paused != nil || !hangUp {
		return paused
	}

	if err := s.Pause(ctx, "client 1 hangs up: what happens to client 2?"); err != nil {
		return err
	}
	s.Heading("client 1 hangs up")
	t1 := time.Now()
	c1.conn.Close()
	<-c1.done
	select { // tick's next write or the one after fails, and it returns
	case <-c2.first:
		s.FindingDuration("client2-served-after-hangup", time.Since(t1))
		return nil
	case <-time.After(s.Scale(3*period) + s.Limit(safety)):
		return errors.New("client 2 was not served even after client 1 hung up")
	case <-ctx.Done():
		return ctx.Err()
	}
}

func iterative(ctx context.Context, s *lesson.Stage) error {
	s.Heading("One connection at a time: for { conn := Accept(); tick(conn) }")
	if err := watch(ctx, s, serveOneAtATime, true); err != nil {
		return err
	}
	s.Warn("client 2 was connected all along, queued by the kernel: the server")
	s.Warn("was inside tick(client 1) and called Accept again only when tick")
	s.Warn("returned, after client 1 had gone. One slow client stops them all.")
	return nil
}

func goroutinePerConn(ctx context.Context, s *lesson.Stage) error {
	s.Heading("A goroutine per connection: for { conn := Accept(); go tick(conn) }")
	if err := watch(ctx, s, serveEach, false); err != nil {
		return err
	}
	s.Say("The accept loop only accepts; each connection gets its own")
	s.Say("goroutine, and a slow or endless client holds up nobody else.")
	s.Say("This is what net/http does.")
	return nil
}
