// Package semaphore is lesson 6: counting semaphores, bounding how many
// goroutines do something at once, weighted semaphores, results in input
// order, first-error cancellation and errgroup limits.
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
	Summary: "bound how many goroutines run at once: buffered channels, weighted semaphores, ordered results, first-error cancellation, errgroup.SetLimit",
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
			Name:    "ordered-results",
			Title:   "Results in input order, whatever order jobs finish",
			Claim:   "six jobs that finish out of order hand back their results in input order, because job i writes only results[i]",
			Run:     orderedResults,
			Predict: "Six jobs, three at a time; the first ones are the slowest. In which order do the results come back?",
			Answer:  "In input order: each job writes its own index, so finishing order does not matter.",
		},
		{
			Name:    "first-error",
			Title:   "The first error cancels the rest, by hand",
			Claim:   "a context cancelled by the first failing job stops the running jobs, no further job is called, and the error kept is the first one",
			Run:     firstError,
			Predict: "Twelve jobs, three at a time, and job 5 fails. How many jobs are ever called, and which error is returned?",
			Answer:  "Six: jobs 4 and 6 are cut short, 7 to 12 never called; the error is job 5's, not a context.Canceled.",
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
