// Package limiter is exercise 5: run many jobs with at most N at once,
// keep their results in input order, and let the first error cancel the
// rest.
//
// Read README.md for the task; the tests in limiter_test.go are the
// contract.
package limiter

import (
	"context"
	"errors"
)

// ErrLimit is returned by Map when limit is less than 1.
var ErrLimit = errors.New("limiter: limit must be at least 1")

// Map calls job(ctx, in) for every in of inputs, with at most limit calls
// running at any moment, and returns their results in the order of inputs:
// results[i] is job's result for inputs[i].
//
// When a job returns an error, Map cancels the context that the running
// jobs were given, calls no further job, waits for the running ones to
// return, and returns nil and that first error. When ctx is done before
// every job has been called, Map does the same and returns an error that
// is (or wraps) ctx.Err(). Map returns only when no job it called is still
// running, and it cancels the jobs' context before it returns.
func Map[T, R any](ctx context.Context, limit int, inputs []T, job func(ctx context.Context, in T) (R, error)) ([]R, error) {
	// TODO: start the jobs in goroutines, at most limit at a time; put
	// each result in its place; stop at the first error.
	return nil, errors.New("TODO: Map is not written yet")
}
