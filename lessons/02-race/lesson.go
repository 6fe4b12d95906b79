// Package race is lesson 2: data races, lost updates, why n++ is three
// steps, the race detector, and three ways to fix a shared counter.
package race

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 2.
var Lesson = lesson.Lesson{
	Number:  2,
	Slug:    "race",
	Title:   "Data races",
	Summary: "lose updates with n++ from two goroutines, catch it with -race, fix it three ways",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:  "lost-update",
			Title: "Lost updates: 2 goroutines, 1,000,000 n++ each",
			Claim: "two goroutines each adding 1 a million times to a shared int end up short of 2,000,000",
			Run:   lostUpdate,
			Racy:  true,
		},
		{
			Name:      "detector",
			Title:     "The race detector's report, explained",
			Claim:     "built with -race, the same code gets a WARNING: DATA RACE naming both lines",
			Run:       detector,
			NeedsRace: true,
		},
		{
			Name:  "mutex",
			Title: "Fix 1: a sync.Mutex",
			Claim: "with a Mutex around n++ every one of the 2,000,000 updates arrives",
			Run:   withMutex,
		},
		{
			Name:  "atomic",
			Title: "Fix 2: atomic.Int64",
			Claim: "with atomic.Int64.Add every update arrives, and it costs the least",
			Run:   withAtomic,
		},
		{
			Name:  "owner",
			Title: "Fix 3: one goroutine owns the counter",
			Claim: "when only one goroutine touches the counter and the others send it work, every update arrives",
			Run:   withOwner,
		},
		{
			Name:  "map-writes",
			Title: "Maps are not thread-safe: concurrent map writes",
			Claim: "two goroutines writing one map without a lock make the runtime stop the whole program",
			Run:   mapWrites,
		},
	},
	Children: []lesson.Demo{
		{Name: "racy-counter", Title: "The racy counter, small", Run: racyCounter},
		{Name: "map-writer", Title: "Two goroutines writing one map", Run: mapWriter},
	},
	Exercises: []string{"counter"},
	Levels:    levels(),
}
