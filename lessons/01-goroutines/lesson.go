// Package goroutines is lesson 1: goroutines, WaitGroup, and what main
// returning does.
package goroutines

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 1.
var Lesson = lesson.Lesson{
	Number:  1,
	Slug:    "goroutines",
	Title:   "Goroutines",
	Summary: "start goroutines, wait for them with WaitGroup, and see them use every core",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:  "serial-vs-concurrent",
			Title: "Sing and dance: serial vs concurrent",
			Claim: "two jobs of 5 steps take 10 s one after the other and 5 s side by side",
			Run:   serialVsConcurrent,
		},
		{
			Name:  "main-returns",
			Title: "main returns and kills its goroutines",
			Claim: "when main returns the process exits, cutting every goroutine off; a WaitGroup makes main wait",
			Run:   mainReturns,
		},
		{
			Name:  "goroutine-cost",
			Title: "The cost of 100,000 goroutines",
			Claim: "100,000 goroutines start in a fraction of a second and take a few KiB each",
			Run:   goroutineCost,
		},
		{
			Name:  "all-cores",
			Title: "CPU-bound work: GOMAXPROCS=1 vs all cores",
			Claim: "the same goroutines run in parallel on every CPU the process may use (the default GOMAXPROCS): no GIL",
			Run:   cpuBound,
		},
	},
	// The puzzle's two programs: a process must really end for the
	// answer to be honest.
	Children: []lesson.Demo{
		{Name: "main-returns-early", Title: "main returns without waiting", Run: mainReturnsEarly},
		{Name: "main-waits", Title: "main waits with a WaitGroup", Run: mainWaits},
	},
	Exercises: []string{"fetchall"},
}
