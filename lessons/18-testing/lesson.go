// Package testcode is lesson 18: testing concurrent code. testing/synctest
// (fake time, durable blocking, and what it cannot see), -race, -count
// and -cpu, go vet's concurrency checks, goleak against the runtime's
// goroutine leak profile, and turning a flaky test deterministic.
package testcode

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 18.
var Lesson = lesson.Lesson{
	Number:  18,
	Slug:    "testing",
	Title:   "Testing concurrent code",
	Summary: "testing/synctest, -race -count -cpu, vet's copylocks, waitgroup and lostcancel, goleak and the leak profile, flaky to deterministic",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:    "flaky",
			Title:   "A flaky test made deterministic with a hook",
			Claim:   "a test that sleeps 1 ms for 0-2 ms of work fails a good part of 100 runs; waiting on the component's hook fails none",
			Run:     flaky,
			Predict: "a test adds a document, sleeps 1 ms and checks it was indexed; indexing takes 0 to 2 ms. How many of 100 runs fail?",
			Answer:  "about half; with a hook that says \"indexed\", none",
		},
		{
			Name:  "synctest",
			Title: "testing/synctest: two hours of fake time in milliseconds",
			Claim: "a synctest bubble runs a two-hour expiry test in a fraction of a second, and hangs until -timeout when a goroutine waits for a mutex held across a fake sleep",
			Run:   synctestDemo,
		},
		{
			Name:  "race-count-cpu",
			Title: "-count, -cpu and -race",
			Claim: "a racy counter's test passes on one thread and fails on four only when the goroutines happen to overlap; -race reports the race on its first run",
			Run:   raceCountCPU,
		},
		{
			Name:  "vet",
			Title: "go vet: copylocks, waitgroup, lostcancel",
			Claim: "go vet finds a copied mutex, a wg.Add inside the goroutine and a dropped cancel in code that compiles",
			Run:   vet,
		},
		{
			Name:  "leaks",
			Title: "goleak versus the goroutine leak profile",
			Claim: "goleak flags all three goroutines a test left behind; the runtime's leak profile proves the one that can never wake, and only that one",
			Run:   leaks,
		},
	},
	Exercises: []string{"indexer-check"},
}
