// Package httpserver is lesson 15: an HTTP server, first by hand on raw
// TCP (a request line parsed, a file from a static folder, a 404 page),
// then with net/http: a goroutine per request, a file server that cannot
// leave its folder, timeouts against slow clients and slow handlers, the
// request's context, and a graceful shutdown.
package httpserver

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 15.
var Lesson = lesson.Lesson{
	Number:  15,
	Slug:    "httpserver",
	Title:   "An HTTP server",
	Summary: "HTTP by hand on TCP, then net/http: a goroutine per request, FileServerFS over os.Root, header and handler timeouts, the request's context, graceful Shutdown",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:    "by-hand",
			Title:   "HTTPServer v2.0 by hand, and a path that walks out",
			Claim:   "a request line, headers up to the blank line and a file from the static folder make a server that a real HTTP client understands; filepath.Join lets /../secret.txt out of the folder, os.Root does not",
			Run:     byHand,
			Predict: "the server opens filepath.Join(folder, path); a client asks for /../secret.txt. What does it get?",
			Answer:  "the secret: Join cleans static/../secret.txt into a path outside the folder. os.Root refuses it",
		},
		{
			Name:    "per-request",
			Title:   "net/http: a goroutine per request",
			Claim:   "20 requests whose handler works 200 ms each take about 200 ms in all: net/http runs every request's handler in a goroutine of its own",
			Run:     perRequest,
			Predict: "20 clients at once, each handler sleeps 200 ms, and nobody wrote `go`: how long in all?",
			Answer:  "about 200 ms: net/http serves each connection in its own goroutine, 20 handlers run at once",
		},
		{
			Name:  "file-server",
			Title: "http.FileServerFS over an os.Root",
			Claim: "a file server over os.Root serves the folder's files and refuses every path out of it: .., an encoded .., a symbolic link pointing outside",
			Run:   fileServer,
		},
		{
			Name:    "slow-headers",
			Title:   "ReadHeaderTimeout cuts off a client that never finishes its headers",
			Claim:   "a zero http.Server waits for ever for a client's headers; with ReadHeaderTimeout it hangs up after that long",
			Run:     slowHeadersDemo,
			Predict: "a client sends a request line and one header, then nothing. How long does http.Server{} wait?",
			Answer:  "for ever: the zero server has no timeouts. With ReadHeaderTimeout: 300 ms, then it hangs up",
		},
		{
			Name:  "request-context",
			Title: "The request's context and a handler timeout",
			Claim: "r.Context() is cancelled when the client leaves, and http.TimeoutHandler answers 503 at its budget and cancels the handler's context",
			Run:   requestContext,
		},
		{
			Name:    "graceful-shutdown",
			Title:   "Graceful Shutdown lets in-flight requests finish",
			Claim:   "Shutdown refuses new connections at once, lets the requests under way finish with 200, and returns after them; Close cuts them off",
			Run:     gracefulShutdown,
			Predict: "3 requests of 500 ms are under way when Shutdown is called: what happens to them, and to a new request?",
			Answer:  "the 3 finish with 200 and Shutdown returns after them; the new request is refused",
		},
	},
	Exercises: []string{"httpserver"},
}
