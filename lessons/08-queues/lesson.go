// Package queues is lesson 8: producers and consumers around a bounded
// buffer, backpressure, clean shutdown by closing, and why "is it empty?"
// is no way to decide to stop.
package queues

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 8.
var Lesson = lesson.Lesson{
	Number:  8,
	Slug:    "queues",
	Title:   "Queues",
	Summary: "bounded channels as queues: blocking and non-blocking put and get, M producers and N consumers, backpressure, closing",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:  "blocking-put",
			Title: "A queue of capacity 2 blocks on the third put",
			Claim: "the third send on a channel of capacity 2 returns only after a receive makes room",
			Run:   blockingPut,
		},
		{
			Name:  "non-blocking",
			Title: "Non-blocking put and get with select default",
			Claim: "with capacity 3 the 4th non-blocking put fails, and a non-blocking get on an empty queue fails",
			Run:   nonBlocking,
		},
		{
			Name:  "producers-consumers",
			Title: "10 producers, 10 consumers, clean shutdown",
			Claim: "waiting for the producers, then closing the queue, ends every consumer with every e-mail sent exactly once",
			Run:   producersConsumers,
		},
		{
			Name:  "backpressure",
			Title: "A fast producer and a slow consumer",
			Claim: "a bounded queue makes a fast producer wait for a slow consumer: it spends most of its time blocked on put",
			Run:   backpressure,
		},
		{
			Name:  "polling-empty",
			Title: "Stopping when the queue looks empty loses items",
			Claim: "a consumer that quits when the queue looks empty quits while the producer still works; ranging over a closed channel loses nothing",
			Run:   pollingEmpty,
		},
	},
	Exercises: []string{"queue"},
}
