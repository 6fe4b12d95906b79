package exercises

import "time"

var httpserver = Exercise{
	Number:  13,
	Slug:    "httpserver",
	Title:   "An HTTP server with timeouts and a graceful shutdown",
	Lesson:  "httpserver",
	Files:   []string{"httpserver.go"},
	Imports: []string{"bytes", "context", "errors", "fmt", "io", "net", "net/http", "sync", "sync/atomic", "time"},
	// Six tests, about 1.5 s in all; against a broken server the
	// longest waits are bounded at 3 to 6 s each.
	Timeout: 60 * time.Second,
}
