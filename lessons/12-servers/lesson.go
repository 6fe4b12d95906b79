// Package servers is lesson 12: concurrent network servers on loopback.
// An iterative server starves its second client; a goroutine per
// connection serves both; a thousand idle connections cost a thousand
// goroutines and a handful of threads; a chat hub broadcasts; and a
// length prefix keeps messages whole on a byte stream.
package servers

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 12.
var Lesson = lesson.Lesson{
	Number:  12,
	Slug:    "servers",
	Title:   "Concurrent servers",
	Summary: "TCP on loopback: one client at a time starves the rest, a goroutine per connection, 1,000 idle connections, a chat hub, length-prefixed framing",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:    "iterative",
			Title:   "An iterative server starves its second client",
			Claim:   "a server that handles one connection at a time ticks to its first client for ever; the second client connects but gets nothing",
			Run:     iterative,
			Predict: "the server ticks to client 1 every 0.5 s, for ever; client 2 connects too. What does client 2 get?",
			Answer:  "nothing until client 1 hangs up: the kernel queued its connection, but the server calls Accept again only when tick returns",
		},
		{
			Name:  "goroutine-per-conn",
			Title: "A goroutine per connection serves both",
			Claim: "the same server with `go tick(conn)` serves both clients at the same time",
			Run:   goroutinePerConn,
		},
		{
			Name:    "idle-conns",
			Title:   "1,000 idle connections, a handful of threads",
			Claim:   "1,000 connections each held by a goroutine blocked in Read cost 1,000 goroutines but only a few OS threads: the netpoller waits for all of them",
			Run:     idleConns,
			Predict: "1,000 clients connect and say nothing; each has a goroutine blocked in Read. How many OS threads does the server use?",
			Answer:  "a handful (about GOMAXPROCS plus a few): a goroutine blocked on the network parks, it does not hold a thread",
		},
		{
			Name:  "chat",
			Title: "A chat room: unique names, join and leave notices, broadcast",
			Claim: "a hub goroutine owns the room: names are unique, everybody else hears joins, leaves and messages, in order, and the sender gets no echo",
			Run:   chat,
		},
		{
			Name:    "framing",
			Title:   "Sticky packets: a byte stream has no messages",
			Claim:   "over loopback TCP, with Nagle off, two Writes that land before the reader reads come out of one Read, and one big Write takes many Reads; a 4-byte big-endian length and io.ReadFull recover every message exactly",
			Run:     framing,
			Predict: `the client Writes "hello", then "world", before the server reads; the server does one Read into a 1 KB buffer. What does it get?`,
			Answer:  `"helloworld": each Write left at once (Go turns Nagle off), but TCP delivers bytes, not messages, and one Read takes all that is queued`,
		},
	},
	Exercises: []string{"chat"},
}
