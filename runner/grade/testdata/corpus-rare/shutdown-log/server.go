// Package server is a small request loop that shuts down with its context
// and logs through an interface, in the style of services whose tests
// pass t.Context() and t itself as the logger.
package server

import (
	"context"
	"strings"
)

// Logger is the subset of *testing.T and *log.Logger that the server needs.
type Logger interface {
	Logf(format string, args ...any)
}

type request struct {
	body  string
	reply chan string
}

// Server answers requests on its own goroutine until its context ends.
type Server struct {
	reqs chan request
	log  Logger
}

// Start runs a server until ctx is done.
func Start(ctx context.Context, log Logger) *Server {
	s := &Server{reqs: make(chan request), log: log}
	go s.serve(ctx)
	return s
}

func (s *Server) serve(ctx context.Context) {
	for {
		select {
		case r := <-s.reqs:
			r.reply <- strings.ToUpper(r.body)
		case <-ctx.Done():
			s.log.Logf("server: shutting down: %v", context.Cause(ctx))
			return
		}
	}
}

// Do sends body to the server and returns its answer.
func (s *Server) Do(body string) string {
	r := request{body: body, reply: make(chan string)}
	s.reqs <- r
	return <-r.reply
}
