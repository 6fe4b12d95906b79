// want: leak
// The budget runs the handler in a goroutine that reports on an unbuffered channel: after a timeout nobody receives, and that goroutine is stuck for ever.
package httpserver

import (
	"bytes"
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
			Handler:           budget{h, cfg.HandlerTimeout},
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
	if err != nil {
		s.srv.Close() // out of time: cut what is left
	}
	<-s.done
	return err
}

// budget runs the handler in a goroutine with a deadline, and answers 503
// if it is not done in time.
type budget struct {
	h http.Handler
	d time.Duration
}

// recorder keeps what the handler writes until it is done.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.code = code }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }

func (b budget) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), b.d)
	defer cancel()
	rec := &recorder{header: http.Header{}, code: http.StatusOK}
	done := make(chan struct{}) // unbuffered: after a timeout nobody receives
	go func() {
		b.h.ServeHTTP(rec, r.WithContext(ctx))
		done <- struct{}{}
	}()
	select {
	case <-done:
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.code)
		w.Write(rec.body.Bytes())
	case <-ctx.Done():
		http.Error(w, "handler timeout", http.StatusServiceUnavailable)
	}
}
