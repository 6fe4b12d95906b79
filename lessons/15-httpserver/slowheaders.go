package httpserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// slowHeadersDemo sends a request line and one header, then nothing, to
// the zero http.Server (which waits for ever) and to one with
// ReadHeaderTimeout (which hangs up): a slow client holds a connection
// and a goroutine until a timeout frees them.
func slowHeadersDemo(ctx context.Context, s *lesson.Stage) error {
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hello") })
	patience := 3 * headerTimeout

	s.Heading("A client that never finishes its headers, against http.Server{} (no timeouts)")
	open, err := serveAddr(&http.Server{Handler: hello}) // no ReadHeaderTimeout, on purpose
	if err != nil {
		return err
	}
	defer open.stop()
	held, err := slowHeaders(open.addr, s.Scale(patience))
	if err != nil {
		return err
	}
	s.Finding("open-still-waiting", b2f(held < 0), fmt.Sprintf("(1: after %v the server still waits for the headers)", s.Scale(patience)))
	s.Say("Each such client holds a connection and a goroutine for as long as it")
	s.Say("likes: a few thousand of them (slowloris) exhaust the server's descriptors.")

	if err := s.Pause(ctx, "now with ReadHeaderTimeout: when is the client cut off?"); err != nil {
		return err
	}
	s.Heading("The same client against http.Server{ReadHeaderTimeout: %v}", s.Scale(headerTimeout))
	guarded, err := serveAddr(&http.Server{Handler: hello, ReadHeaderTimeout: s.Scale(headerTimeout)})
	if err != nil {
		return err
	}
	defer guarded.stop()
	cut, err := slowHeaders(guarded.addr, s.Scale(patience)+s.Limit(safety))
	if err != nil {
		return err
	}
	if cut < 0 {
		return errors.New("the server with ReadHeaderTimeout never hung up")
	}
	s.FindingDuration("cut-after", cut)
	s.FindingDuration("header-timeout", s.Scale(headerTimeout))
	s.Say("The server hung up on the client: no answer, the connection closed.")
	s.Say("Set ReadHeaderTimeout (and IdleTimeout) on every server that faces")
	s.Say("a network; http.ListenAndServe's zero http.Server has no timeouts.")
	return nil
}

// headerTimeout is how long a server waits for a request's headers.
const headerTimeout = 300 * time.Millisecond

// slowHeaders opens a connection to addr, sends a request line and one
// header but never the blank line that ends them, and waits up to wait
// for the server to hang up. It returns how long that took, or -1 if the
// server was still waiting when wait ran out.
func slowHeaders(addr string, wait time.Duration) (time.Duration, error) {
	conn, err := net.DialTimeout("tcp", addr, safety)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	start := time.Now()
	if _, err := fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\n", addr); err != nil {
		return 0, err
	}
	conn.SetReadDeadline(start.Add(wait))
	_, err = conn.Read(make([]byte, 1))
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return -1, nil // our patience ran out first: the server still holds the connection
	}
	return time.Since(start), nil // an answer, EOF or a reset: the server is done with us
}

// listening is a running server's address and how to stop it.
type listening struct {
	addr string
	stop func()
}

func serveAddr(srv *http.Server) (listening, error) {
	url, stop, err := serve(srv)
	if err != nil {
		return listening{}, err
	}
	return listening{addr: strings.TrimPrefix(url, "http://"), stop: stop}, nil
}
