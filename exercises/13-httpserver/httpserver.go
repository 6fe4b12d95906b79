// Package httpserver runs an http.Handler on a TCP address the way a
// server facing a network should: a bound on how long a client may take
// to send its headers, a budget for each handler, and a graceful
// shutdown.
//
// Read README.md for the task; the tests in httpserver_test.go are the
// contract.
package httpserver

import (
	"context"
	"errors"
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
	ln net.Listener
	// TODO: the http.Server, and a way for Shutdown to know that the
	// goroutine serving it has returned.
}

// Start listens on addr (use "127.0.0.1:0" for a free port) and serves h
// in the background until Shutdown.
func Start(addr string, h http.Handler, cfg Config) (*Server, error) {
	// TODO: listen, configure an http.Server with both timeouts, and
	// serve in a goroutine.
	return nil, errors.New("TODO: Start is not written yet")
}

// Addr returns the address the server listens on, e.g. "127.0.0.1:40123".
func (s *Server) Addr() string {
	if s == nil || s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Shutdown stops accepting connections at once and waits for the
// requests under way to finish. If ctx ends first, it closes every
// connection and returns ctx's error. Either way it returns only after
// the server's goroutines have exited. It may be called more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	// TODO
	return nil
}
