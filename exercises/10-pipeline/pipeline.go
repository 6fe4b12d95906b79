// Package pipeline is a three-stage pipeline, generate → transform →
// collect, connected by channels, that stops as soon as nobody needs its
// results any more.
//
// Read README.md for the task; the tests in pipeline_test.go are the
// contract.
package pipeline

import (
	"context"
	"errors"
)

// Generate sends 1, 2, ..., n on the returned channel, then closes it.
// When ctx is done it stops sending, closes the channel and returns.
func Generate(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	// TODO: a goroutine that sends 1..n and closes out.
	return out
}

// Transform sends f(v) for every v received from in, in the same order.
// It closes its channel when in is closed or ctx is done.
func Transform(ctx context.Context, in <-chan int, f func(int) int) <-chan int {
	out := make(chan int)
	// TODO: a goroutine that receives, applies f, sends, and closes out.
	return out
}

// Collect receives from in until it is closed and returns the values in
// the order received. If ctx is done first, it returns the values received
// so far and ctx.Err().
func Collect(ctx context.Context, in <-chan int) ([]int, error) {
	// TODO
	return nil, errors.New("TODO: Collect is not written yet")
}

// First runs Generate(n) → Transform(f) and returns the first k results
// (all of them if there are fewer), in order. It stops the pipeline as soon
// as it has them: the goroutines it started exit promptly. If ctx is done
// first, it returns the results so far and ctx.Err().
func First(ctx context.Context, n, k int, f func(int) int) ([]int, error) {
	// TODO
	return nil, errors.New("TODO: First is not written yet")
}
