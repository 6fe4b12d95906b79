package exercises

import "time"

var chat = Exercise{
	Number:  11,
	Slug:    "chat",
	Title:   "A TCP chat hub",
	Lesson:  "servers",
	Files:   []string{"chat.go"},
	Imports: []string{"bufio", "bytes", "context", "errors", "fmt", "io", "maps", "net", "slices", "strings", "sync", "sync/atomic", "time", "unicode", "unicode/utf8"},
	// Six tests; against a server that stalls, the slow-client test takes
	// 6 s and each bounded wait at most 5 s.
	Timeout: 60 * time.Second,
}
