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
	},
}
