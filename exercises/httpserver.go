package exercises

import "time"

var httpserver = Exercise{
	Number:  13,
	Slug:    "httpserver",
	Title:   "An HTTP server with timeouts and a graceful shutdown",
	Lesson:  "httpserver",
	Files:   []string{"httpserver.go"},
	Imports: []string{"bytes", "context", "errors", "fmt", "io", "net", "net/http", "sync", "sync/atomic", "time"},
	Hints: [3]string{
		"net/http already serves each connection in a goroutine of its own; your job is the http.Server around the handler. Which of its fields bounds the headers, and what answers 503 and cancels a handler's context at a deadline?",
		"Start: net.Listen, an http.Server with ReadHeaderTimeout and a Handler wrapped in http.TimeoutHandler, and srv.Serve(ln) in a goroutine that closes a done channel when Serve returns. Shutdown: srv.Shutdown(ctx); if that fails, srv.Close(); then wait for done.",
		`Start:

	budget := http.TimeoutHandler(h, cfg.HandlerTimeout, "timeout\n")
	srv := &http.Server{Handler: budget, ReadHeaderTimeout: cfg.HeaderTimeout}
	s := &Server{srv: srv, ln: ln, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.srv.Serve(ln)
	}()

Shutdown:

	err := s.srv.Shutdown(ctx) // closes the listener, waits for requests
	if err != nil {
		s.srv.Close() // out of time: cut the rest
	}
	<-s.done
	return err`,
	},
	// Six tests, about 1.5 s in all; against a broken server the
	// longest waits are bounded at 3 to 6 s each.
	Timeout: 60 * time.Second,
}
