// Package semaphore is lesson 6: counting semaphores, bounding how many
// goroutines do something at once, weighted semaphores and errgroup limits.
package semaphore

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 6.
var Lesson = lesson.Lesson{
	Number:  6,
	Slug:    "semaphore",
	Title:   "Semaphores",
	Summary: "bound how many goroutines run at once: buffered channels, weighted semaphores, errgroup.SetLimit",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:  "buffered-channel",
			Title: "Saving the universe, 3 at a time",
			Claim: "a buffered channel of capacity 3 lets 10 tasks run at most 3 at once, and they do reach 3",
			Run:   bufferedChannel,
		},
		{
			Name:  "weighted",
			Title: "A weighted semaphore: a budget, not a head count",
			Claim: "x/sync/semaphore keeps the total weight in use within the budget; a job that needs all of it runs alone",
			Run:   weighted,
		},
		{
			Name:  "errgroup-limit",
			Title: "errgroup.SetLimit: 20 workers, 5 at a time",
			Claim: "errgroup.SetLimit(5) runs at most 5 workers at once, and the first error cancels the rest",
			Run:   errgroupLimit,
		},
	},
	Exercises: []string{"limiter"},
}
