// want: fail
// No ReadHeaderTimeout: a client that sends a request line and never the blank line after its headers holds its connection for ever.
package httpserver

import (
	"context"
	"net"
	"net/http"
	"time"
)

type Config struct {
	HeaderTimeout  time.Duration
	HandlerTimeout time.Duration
}

type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

func Start(addr string, h http.Handler, cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		srv: &http.Server{
			Handler: http.TimeoutHandler(h, cfg.HandlerTimeout, "handler timeout\n"),
		},
		ln:   ln,
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		s.srv.Serve(ln)
	}()
	return s, nil
}

func (s *Server) Addr() string { return s.ln.Addr().String() }

func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		s.srv.Close()
	}
	<-s.done
	return err
}
