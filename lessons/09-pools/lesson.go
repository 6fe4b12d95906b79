// Package pools is lesson 9: worker pools, results in input order,
// futures as result channels, first-error cancellation with a limit, and
// sync.Pool, which recycles objects and is not a worker pool at all.
package pools

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 9.
var Lesson = lesson.Lesson{
	Number:  9,
	Slug:    "pools",
	Title:   "Worker pools",
	Summary: "a fixed number of workers, ordered results, futures, first-error cancellation, and what sync.Pool really is",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:    "pool-of-ten",
			Title:   "100 tasks of 100 ms: a goroutine each, or a pool of 10",
			Claim:   "a goroutine per task runs all 100 at once (about 100 ms); a pool of 10 never runs more than 10 and takes about 1 s",
			Run:     poolOfTen,
			Predict: "100 tasks of 100 ms on a pool of 10 workers: how long, and how many at once?",
			Answer:  "about 1 s, and exactly 10 at once at the peak",
		},
		{
			Name:    "ordered-map",
			Title:   "A parallel map that keeps input order",
			Claim:   "results come back in input order even though the tasks finish out of order",
			Run:     orderedMap,
			Predict: "input i takes (11-i) x 30 ms on 4 workers: in which order do results come back?",
			Answer:  "in input order, 1 4 9 ... 100, although input 4 finished first",
		},
		{
			Name:    "futures",
			Title:   "Futures are result channels",
			Claim:   "submitting returns at once; reading three futures takes as long as the slowest task, not the sum",
			Run:     futures,
			Predict: "three copies of 300, 200 and 100 ms, submitted at once, futures read in that order: how long?",
			Answer:  "about 300 ms, the slowest, not 600 ms, the sum",
		},
		{
			Name:    "first-error",
			Title:   "errgroup with a limit: the first error cancels the rest",
			Claim:   "when one task fails, running tasks are cancelled and the tasks not yet started are skipped",
			Run:     firstError,
			Predict: "20 tasks, 3 at a time, task 5 fails: how many of the 20 ever start?",
			Answer:  "6: tasks 1-3 complete, 4 and 6 are cancelled mid-task, 5 fails, 7-20 are skipped",
		},
		{
			Name:    "sync-pool",
			Title:   "sync.Pool recycles objects; it runs nothing",
			Claim:   "reusing buffers from a sync.Pool cuts allocations per operation to a fraction",
			Run:     syncPool,
			Predict: "how many allocations per operation does a sync.Pool of buffers save?",
			Answer:  "about one each: a 4 KB buffer per operation without it, almost none with it",
		},
	},
	Exercises: []string{"pool"},
}
