// Package queues is lesson 8: producers and consumers around a bounded
// buffer, backpressure, clean shutdown by closing, why "is it empty?" is
// no way to decide to stop, closing a queue type, and blocked calls that
// give up when their context is done.
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
	Summary: "bounded channels as queues: blocking and non-blocking put and get, M producers and N consumers, backpressure, closing and draining, waits that honour ctx",
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
		{
			Name:    "close-and-drain",
			Title:   "Close: no new items, the old ones still come out",
			Claim:   "after close the items inside still come out in order, then every get says closed; a mailbox with a closed flag makes Put fail instead of panic",
			Run:     closeAndDrain,
			Predict: "A queue is closed with 3 items inside. What do the next 5 gets return? And a put?",
			Answer:  "The 3 items in order, then 'closed' every time. A send on a closed channel panics; a queue with a closed flag under its lock makes Put fail instead.",
		},
		{
			Name:    "cancel-wait",
			Title:   "A blocked put or get that gives up when ctx is done",
			Claim:   "a put or get that selects on ctx.Done() beside the channel returns when ctx ends; cond.Wait cannot, until context.AfterFunc Broadcasts",
			Run:     cancelWait,
			Predict: "A get waits in cond.Wait with a context of 200 ms. When does it return?",
			Answer:  "Never by itself: cond.Wait cannot watch a context. With context.AfterFunc broadcasting when ctx ends, it returns at 200 ms.",
		},
	},
	Exercises: []string{"queue"},
}
