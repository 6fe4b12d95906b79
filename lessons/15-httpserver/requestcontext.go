package httpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// requestContext runs one slow handler that does its work with
// s.Sleep(r.Context(), ...): the request's context ends when the client
// gives up, and when http.TimeoutHandler's budget runs out. The handler
// reports on the seen channel how long it ran and why it stopped.
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
