package exercises

import "time"

var chat = Exercise{
	Number:  11,
	Slug:    "chat",
	Title:   "A TCP chat hub",
	Lesson:  "servers",
	Files:   []string{"chat.go"},
	Imports: []string{"bufio", "bytes", "context", "errors", "fmt", "io", "maps", "net", "slices", "strings", "sync", "sync/atomic", "time", "unicode", "unicode/utf8"},
	Hints: [3]string{
		"Who writes to a client's connection? If the goroutine that broadcasts writes to every connection itself, one client that does not read stops it, and the lock it holds stops everyone. Each client needs its own writer.",
		"Keep members in a map guarded by a mutex. Per member: a buffered channel of lines and a writer goroutine that ranges over it and writes with a deadline. Broadcast with a non-blocking send (select with default); if the outbox is full, drop that member. A WaitGroup counts every goroutine so Shutdown can wait for them.",
		`Join, with the lock held: if the name is taken, reply "ERR name
taken"; otherwise queue "OK" first, then announce, register and start
the writer:

	m := &member{name: name, conn: conn, out: make(chan string, 1<<14)}
	m.out <- "OK"
	s.broadcastLocked("* " + name + " joined") // sends without waiting
	s.members[name] = m
	s.wg.Add(1)
	go s.writer(m)

The writer is the only goroutine that writes to the connection:

	for line := range m.out {
		m.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		// write line and "\n"; on an error, leave
	}
	m.conn.Close()

Leave: if the map still holds m, delete it, close(m.out) and broadcast
"* name left". Shutdown: close the listener, queue EXIT and close every
outbox, close the connections that never joined, then s.wg.Wait().`,
	},
	// Six tests; against a server that stalls, the slow-client test takes
	// 6 s and each bounded wait at most 5 s.
	Timeout: 60 * time.Second,
}
