package httpserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// gracefulShutdown calls srv.Shutdown in a goroutine of its own while
// three slow requests are under way (takeOff starts them), asks for a
// new one once the listener is closed, and collects the three answers;
// then the same with srv.Close, which cuts them off.
func gracefulShutdown(ctx context.Context, s *lesson.Stage) error {
	s.Heading("srv.Shutdown(ctx) with %d requests of %v under way", inFlight, s.Scale(longWork))
	f, err := takeOff(ctx, s)
	if err != nil {
		return err
	}
	defer f.land()
	s.Say("all %d requests are inside their handler; Shutdown begins", inFlight)
	start := time.Now()
	shut := make(chan error, 1)
	go func() {
		sctx, cancel := context.WithTimeout(context.Background(), s.Scale(longWork)+s.Limit(safety))
		defer cancel()
		shut <- f.srv.Shutdown(sctx)
	}()
	select { // Shutdown closes the listeners first
	case <-f.ln.closed:
	case <-time.After(s.Limit(safety)):
		return errors.New("the listener was not closed by Shutdown")
	}
	late := newClient(s.Limit(safety))
	defer closeClient(late)
	newErr := get(ctx, late, f.url+"/slow")
	s.Say("  a new request: %v", newErr)
	s.Finding("new-refused", b2f(newErr != nil), "(1: the listener is closed, the new client is refused)")

	completed := 0
	var lastAnswer time.Duration
	for range inFlight {
		if err := f.answer(); err == nil {
			completed++
			lastAnswer = time.Since(start)
		} else {
			s.Warn("  an in-flight request failed: %v", err)
		}
	}
	if err := <-shut; err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	shutdownTook := time.Since(start)
	s.Finding("inflight-completed", float64(completed), fmt.Sprintf("of %d in-flight requests answered 200", inFlight))
	s.FindingDuration("shutdown-took", shutdownTook)
	s.Finding("shutdown-after-answers", b2f(completed == inFlight && shutdownTook >= lastAnswer), "(1: Shutdown returned after the last answer)")

	if err := s.Pause(ctx, "and srv.Close() instead?"); err != nil {
		return err
	}
	s.Heading("srv.Close() with %d requests under way", inFlight)
	g, err := takeOff(ctx, s)
	if err != nil {
		return err
	}
	defer g.land()
	g.srv.Close() // closes every connection now, whatever it is doing
	cut := 0
	for range inFlight {
		if err := g.answer(); err != nil {
			cut++
		}
	}
	s.Finding("close-cut", float64(cut), fmt.Sprintf("of %d in-flight requests lost their answer", inFlight))
	s.Say("Shutdown closes the listener, closes idle connections, and waits for")
	s.Say("active ones to finish (or for its context); Close cuts them all at once.")
	s.Say("A program stops with signal.NotifyContext, then Shutdown with a deadline.")
	return nil
}

// inFlight requests are being served when the server is told to stop;
// each takes longWork.
const (
	inFlight = 3
	longWork = 500 * time.Millisecond
)

// watchedListener tells when it has been closed: Shutdown's first step.
type watchedListener struct {
	net.Listener
	once   sync.Once
	closed chan struct{}
}

func (l *watchedListener) Close() error {
	err := l.Listener.Close()
	l.once.Do(func() { close(l.closed) })
	return err
}

// flight is a server with inFlight slow requests under way.
type flight struct {
	srv     *http.Server
	ln      *watchedListener
	url     string
	served  chan struct{} // closed when Serve has returned
	results chan error    // one per request, when its client has the answer
	pending int           // results not received yet
	client  *http.Client
}

// takeOff starts a server and inFlight requests, and returns once every
// one of them is inside its handler.
func takeOff(ctx context.Context, s *lesson.Stage) (*flight, error) {
	started := make(chan struct{}, inFlight)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		if err := s.Sleep(r.Context(), longWork); err != nil {
			return
		}
		fmt.Fprintln(w, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &flight{
		srv:     &http.Server{Handler: mux, ReadHeaderTimeout: safety},
		ln:      &watchedListener{Listener: ln, closed: make(chan struct{})},
		url:     "http://" + ln.Addr().String(),
		served:  make(chan struct{}),
		results: make(chan error, inFlight),
		pending: inFlight,
		client:  newClient(s.Scale(longWork) + s.Limit(safety)),
	}
	go func() {
		defer close(f.served)
		f.srv.Serve(f.ln)
	}()
	for range inFlight {
		go func() { f.results <- get(ctx, f.client, f.url+"/slow") }()
	}
	for range inFlight {
		select {
		case <-started:
		case <-time.After(s.Limit(safety)):
			f.land()
			return nil, errors.New("the requests never reached their handler")
		}
	}
	return f, nil
}

// land closes everything and waits for every goroutine takeOff started.
func (f *flight) land() {
	f.srv.Close()
	<-f.served
	for f.pending > 0 {
		f.answer() // each client is bounded by its timeout
	}
	closeClient(f.client)
}

// answer waits for the next in-flight request's result.
func (f *flight) answer() error {
	f.pending--
	return <-f.results
}
