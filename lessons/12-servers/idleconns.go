package servers

import (
	"context"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// idleClients is how many clients connect and say nothing. Each costs two
// file descriptors in this process (the client's end and the server's).
const idleClients = 1000

// idleConns connects 1,000 clients that say nothing, each served by a
// goroutine blocked in Read, and counts the goroutines and OS threads.
func idleConns(ctx context.Context, s *lesson.Stage) error {
	n := roomForConns(s, idleClients)
	threadsBefore, how := osThreads()
	goroutinesBefore := runtime.NumGoroutine()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var handlers sync.WaitGroup
	var accepted atomic.Int64
	accepting := make(chan struct{})
	go func() {
		defer close(accepting)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			handlers.Add(1)
			go func() { // one goroutine per connection, as in any Go server
				defer handlers.Done()
				echo(conn)
			}()
		}
	}()

	s.Heading("%d clients connect and say nothing", n)
	t0 := time.Now()
	clients, err := dialIdle(ln.Addr().String(), n)
	defer func() {
		for _, c := range clients {
			c.Close() // each echo sees EOF and returns
		}
		ln.Close()
		<-accepting
		handlers.Wait()
	}()
	if err != nil {
		return err
	}
	if err := waitAccepted(s, &accepted, n); err != nil {
		return err
	}
	s.Say("connected and accepted in %v", time.Since(t0).Round(time.Millisecond))

	if err := s.Pause(ctx, "how many goroutines, how many OS threads?"); err != nil {
		return err
	}
	goroutines := runtime.NumGoroutine() - goroutinesBefore
	threads, _ := osThreads()
	s.Finding("connections", float64(n), "")
	s.Finding("goroutines", float64(goroutines), "more goroutines (a connection each, and Accept)")
	s.Finding("os-threads", float64(threads), how)
	s.Finding("os-threads-before", float64(threadsBefore), how)
	s.Finding("goroutines-per-thread", float64(goroutines)/float64(threads), "")

	// They are idle, not dead: every one of them still answers.
	s.Finding("answered", float64(pingAll(clients)), "of the idle connections answered a ping")
	s.Say("Each goroutine is blocked in Read. A goroutine blocked on the")
	s.Say("network is parked, and the runtime's netpoller (epoll on Linux,")
	s.Say("kqueue on macOS) waits for all of them on one thread: what the old")
	s.Say("course wrote by hand with select.")
	return nil
}

// echo answers every byte it reads, until the client goes away.
func echo(conn net.Conn) {
	defer conn.Close()
	buf := make([]byte, 64)
	for {
		n, err := conn.Read(buf) // parks the goroutine until bytes arrive: it holds no thread
		if err != nil {
			return
		}
		if _, err := conn.Write(buf[:n]); err != nil {
			return
		}
	}
}
