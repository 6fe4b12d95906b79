// Package contexts is lesson 11: goroutine leaks in pipelines whose
// consumer stops early, context cancellation that ends them, and
// per-request deadlines with their causes.
package contexts

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 11.
var Lesson = lesson.Lesson{
	Number:  11,
	Slug:    "context",
	Title:   "Context: cancellation, deadlines, leaks",
	Summary: "a consumer that stops early leaks its producers; context.Context stops them, and bounds every request with a deadline",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:    "leaky-pipeline",
			Title:   "A consumer that stops early leaks its producers",
			Claim:   "each request that takes the first answer and returns leaves its two pipeline goroutines blocked forever: the goroutine count only grows",
			Run:     leakyPipeline,
			Predict: "5 requests each build a 2-stage pipeline over 1,000 rows and return after the first match: how many goroutines are left behind?",
			Answer:  "10: every stage is stuck on a send nobody will receive",
		},
		{
			Name:  "context-pipeline",
			Title: "The same pipeline with a context leaks nothing",
			Claim: "when every stage also selects on ctx.Done(), cancelling the request's context ends all its goroutines",
			Run:   contextPipeline,
		},
		{
			Name:    "timeouts",
			Title:   "Per-request deadlines and their causes",
			Claim:   "context.WithTimeout lets fast requests finish and cuts slow ones at the deadline; context.Cause says why each one stopped",
			Run:     timeouts,
			Predict: "six requests of 100 ms to 2.5 s, each with a 500 ms budget, run at once: how long until all have answered?",
			Answer:  "500 ms: the slow ones are cut at their deadline, not waited for",
		},
		{
			Name:  "after-func",
			Title: "context.AfterFunc cuts a call that takes no context",
			Claim: "a blocking Read knows nothing of contexts; context.AfterFunc sets its deadline when the context ends, so it returns at once",
			Run:   afterFunc,
		},
	},
	Exercises: []string{"pipeline"},
}
