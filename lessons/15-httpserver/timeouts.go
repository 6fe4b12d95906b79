package httpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

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

// handlerWork is how long the slow handler would work if nobody stopped it.
const (
	handlerWork   = 1 * time.Second
	clientPatient = 200 * time.Millisecond
	handlerBudget = 300 * time.Millisecond
	quickWork     = 100 * time.Millisecond
)

// outcome is what a slow handler saw: how long it ran and why it stopped.
type outcome struct {
	ran time.Duration
	err error
}

func requestContext(ctx context.Context, s *lesson.Stage) error {
	seen := make(chan outcome, 4)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		d := handlerWork
		if r.URL.Query().Has("quick") {
			d = quickWork
		}
		err := s.Sleep(r.Context(), d) // the work honours the request's context
		seen <- outcome{time.Since(start), err}
		if err != nil {
			return // nobody is listening any more: stop working
		}
		fmt.Fprintln(w, "done")
	})
	mux := http.NewServeMux()
	mux.Handle("/work", slow)
	mux.Handle("/budget", http.TimeoutHandler(slow, s.Scale(handlerBudget), "too slow\n"))
	base, stop, err := serve(&http.Server{Handler: mux, ReadHeaderTimeout: safety})
	if err != nil {
		return err
	}
	defer stop()
	client := newClient(s.Scale(handlerWork) + s.Limit(safety))
	defer closeClient(client)

	s.Heading("The client gives up after %v on a handler that works %v", s.Scale(clientPatient), s.Scale(handlerWork))
	cctx, cancel := context.WithTimeout(ctx, s.Scale(clientPatient))
	err = get(cctx, client, base+"/work")
	cancel()
	s.Say("  client: %v", err)
	o, err := await(ctx, s, seen)
	if err != nil {
		return err
	}
	s.Say("  handler: stopped after %v: %v", o.ran.Round(time.Millisecond), o.err)
	s.Finding("client-gone-seen", b2f(errors.Is(o.err, context.Canceled)), "(1: r.Context() was cancelled when the client left)")
	s.FindingDuration("client-gone-after", o.ran)

	if err := s.Pause(ctx, "http.TimeoutHandler with a budget of 300 ms: what does the client get?"); err != nil {
		return err
	}
	s.Heading("http.TimeoutHandler(slow, %v, \"too slow\")", s.Scale(handlerBudget))
	start := time.Now()
	resp, err := client.Get(base + "/budget")
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	answered := time.Since(start)
	s.Say("  client: %s %q after %v", resp.Status, string(body), answered.Round(time.Millisecond))
	if o, err = await(ctx, s, seen); err != nil {
		return err
	}
	s.Say("  handler: stopped after %v: %v", o.ran.Round(time.Millisecond), o.err)
	s.Finding("timeout-status", float64(resp.StatusCode), "(503 Service Unavailable)")
	s.FindingDuration("timeout-after", answered)
	s.Finding("handler-stopped", b2f(errors.Is(o.err, context.DeadlineExceeded)), "(1: the handler's context hit the deadline)")

	resp, err = client.Get(base + "/budget?quick")
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if _, err := await(ctx, s, seen); err != nil {
		return err
	}
	s.Say("  a %v request within the budget: %s", s.Scale(quickWork), resp.Status)
	s.Finding("quick-status", float64(resp.StatusCode), "(200: within the budget)")
	s.Say("Every request has a context: it ends when the client leaves, when a")
	s.Say("TimeoutHandler's budget runs out, or when the server shuts down. Pass")
	s.Say("r.Context() to whatever the handler waits on, and it stops with it.")
	return nil
}

// await receives what the handler saw, bounded in real time.
func await(ctx context.Context, s *lesson.Stage, seen <-chan outcome) (outcome, error) {
	select {
	case o := <-seen:
		return o, nil
	case <-time.After(s.Scale(handlerWork) + s.Limit(safety)):
		return outcome{}, errors.New("the handler never returned")
	case <-ctx.Done():
		return outcome{}, ctx.Err()
	}
}
