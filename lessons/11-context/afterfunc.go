package contexts

import (
	"context"
	"errors"
	"net"
	"os"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// readWithin reads from conn, which takes no context, but gives up when
// ctx is done: context.AfterFunc moves the read deadline to now, which
// wakes the blocked Read. It reports whether the after-func ran.
func readWithin(ctx context.Context, conn net.Conn, buf []byte) (n int, cut bool, err error) {
	stop := context.AfterFunc(ctx, func() {
		conn.SetReadDeadline(time.Now()) // runs in its own goroutine when ctx ends
	})
	n, err = conn.Read(buf)
	// stop reports true if it stopped the func before it ran: then ctx did
	// not end during the Read, and the deadline was never touched.
	return n, !stop(), err
}

func afterFunc(ctx context.Context, s *lesson.Stage) error {
	const wait = 300 * time.Millisecond
	buf := make([]byte, 64)

	s.Heading("A client that connects and says nothing; we allow it %v", wait)
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	lane := s.Lane("server")
	readCtx, cancel := context.WithTimeout(ctx, s.Scale(wait))
	defer cancel()
	t0 := time.Now()
	lane.Waiting("conn")
	_, cut, err := readWithin(readCtx, server, buf)
	took := time.Since(t0)
	if !cut || !errors.Is(err, os.ErrDeadlineExceeded) {
		return errors.New("the silent read was not cut by the after-func: " + errString(err))
	}
	lane.Printf("Read returned after %v: %v", took.Round(time.Millisecond), err)
	s.FindingDuration("silent-read-returned-after", took)
	s.Finding("silent-read-cut", 1, "")

	if err := s.Pause(ctx, "and when the client does speak in time?"); err != nil {
		return err
	}
	// A generous budget this time: the point is what happens when the
	// read wins, and a loaded machine must not turn it into a timeout.
	const generous = 5 * time.Second
	s.Heading("A client that speaks within its budget")
	client2, server2 := net.Pipe()
	defer client2.Close()
	defer server2.Close()
	go func() {
		client2.SetWriteDeadline(time.Now().Add(s.Limit(generous))) // never block for ever
		client2.Write([]byte("hello"))
	}()
	readCtx2, cancel2 := context.WithTimeout(ctx, s.Limit(generous))
	defer cancel2()
	n, cut, err := readWithin(readCtx2, server2, buf)
	if err != nil {
		return err
	}
	lane.Received("conn")
	lane.Printf("read %q; after-func stopped in time: %v", buf[:n], !cut)
	if cut {
		s.Finding("answered-read-cut", 1, "")
	} else {
		s.Finding("answered-read-cut", 0, "")
	}
	s.Say("context.AfterFunc(ctx, f) runs f in a new goroutine once ctx is")
	s.Say("done; the stop function it returns cancels that, and says whether")
	s.Say("it was still in time. It bridges contexts to anything with a")
	s.Say("deadline or a Close: connections, files, pipes.")
	return nil
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
