// want: fail
// Out of time, Shutdown returns the context's error but leaves the connections still under way open: a handler that ignores its context keeps its client waiting.
package httpserver

import (
	"context"
	"net"
	"net/http"
	"time"
)

// Config says how long the server waits, for clients and for handlers.
type Config struct {
	// HeaderTimeout bounds how long a client may take to send the
	// request line and headers; then the server hangs up.
	HeaderTimeout time.Duration
	// HandlerTimeout bounds how long a handler may run: then the client
	// gets 503 Service Unavailable and the handler's r.Context() is done.
	HandlerTimeout time.Duration
}

// Server is an HTTP server running in the background. Create it with
// Start, stop it with Shutdown.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{} // closed when Serve has returned
}

// Start listens on addr (use "127.0.0.1:0" for a free port) and serves h
// in the background until Shutdown.
func Start(addr string, h http.Handler, cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		srv: &http.Server{
			// TimeoutHandler answers 503 at the budget and cancels the
			// handler's context, so that a handler that honours it stops.
			Handler:           http.TimeoutHandler(h, cfg.HandlerTimeout, "handler timeout\n"),
			ReadHeaderTimeout: cfg.HeaderTimeout,
		},
		ln:   ln,
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		s.srv.Serve(ln) // serves each connection in a goroutine of its own
	}()
	return s, nil
}

// Addr returns the address the server listens on, e.g. "127.0.0.1:40123".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Shutdown stops accepting connections at once and waits for the
// requests under way to finish. If ctx ends first, it closes every
// connection and returns ctx's error. Either way it returns only after
// the server's goroutines have exited. It may be called more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}
