// Package events is lesson 7: one goroutine telling others that something
// happened. One-shot events, broadcast by close, resettable events on
// sync.Cond, timeouts, and context cancellation as an event.
package events

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 7.
var Lesson = lesson.Lesson{
	Number:  7,
	Slug:    "events",
	Title:   "Events",
	Summary: "signal that something happened: close a channel, wait with a timeout, reset with sync.Cond, cancel with context",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:  "password",
			Title: "The password handshake",
			Claim: "waiting 0.5 s on a channel gives one of three honest answers: the right secret, a wrong one, or no answer in time",
			Run:   password,
		},
		{
			Name:  "sleep-is-not-sync",
			Title: "Sleeping is not synchronization",
			Claim: "reading a secret after sleeping 0.5 s is a data race: it works while the helper is quick, and reads nothing when it is slow",
			Run:   sleepIsNotSync,
			Racy:  true,
		},
		{
			Name:  "database-ready",
			Title: "Database ready: 10 clients, 3 tries of 0.5 s",
			Claim: "a server ready at 1.25 s serves all 10 clients on their third try; one ready at 1.75 s sees all 10 time out",
			Run:   databaseReady,
		},
		{
			Name:  "close-broadcast",
			Title: "close(ch) releases every waiter at once",
			Claim: "a send wakes exactly one waiter; closing the channel wakes all the others",
			Run:   closeBroadcast,
		},
		{
			Name:  "resettable",
			Title: "A resettable event on sync.Cond",
			Claim: "Set releases every waiter, Clear makes the next waiters block until the next Set",
			Run:   resettable,
		},
		{
			Name:  "context-cancel",
			Title: "Context cancellation is an event",
			Claim: "one cancel() stops every worker listening on ctx.Done(), and a deadline is the same event on a timer",
			Run:   contextCancel,
		},
	},
	Exercises: []string{"event"},
	Levels:    levels(),
}
