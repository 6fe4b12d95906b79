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
		`Generate's loop sends like this:

	select {
	case out <- i:
	case <-ctx.Done():
		return
	}

Transform selects on v, ok := <-in (returning if !ok) and on
ctx.Done(), then sends f(v) in a select like the one above. First starts
the stages on a context of its own:

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := Transform(ctx, Generate(ctx, n), f)

then collects up to k results in a select that also watches ctx.Done().`,
	},
	Timeout: 30 * time.Second,
}
