// want: fail
// The handler budget is the server's WriteTimeout: a slow handler's context is never cancelled, and its client gets a broken connection instead of 503.
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
			Handler:           h,
			ReadHeaderTimeout: cfg.HeaderTimeout,
			WriteTimeout:      cfg.HandlerTimeout,
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
