package exercises

import "time"

var pipeline = Exercise{
	Number:  10,
	Slug:    "pipeline",
	Title:   "A pipeline that stops early and leaks nothing",
	Lesson:  "context",
	Files:   []string{"pipeline.go"},
	Imports: []string{"context", "errors", "fmt", "sync", "sync/atomic"},
	Hints: [3]string{
		"A goroutine blocked on `out <- v` stays blocked forever if the reader has gone. Every send and every receive in a stage needs a way out.",
		"Put each send and receive in a select with a second case, `<-ctx.Done()`, that returns (closing the channel with defer). First makes its own context with context.WithCancel(ctx) and defers cancel(): returning is then what stops the stages.",
		"Generate's loop: `select { case out <- i: case <-ctx.Done(): return }`. Transform: select on `v, ok := <-in` (return if !ok) and on ctx.Done(); then select on `out <- f(v)` and ctx.Done(). First: `ctx, cancel := context.WithCancel(ctx); defer cancel(); results := Transform(ctx, Generate(ctx, n), f)`, then collect up to k in a select that also watches ctx.Done().",
	},
	Timeout: 30 * time.Second,
}
