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
	"sync"
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
	if limit < 1 {
		return nil, ErrLimit
	}
	// The jobs get a context of their own: the first error cancels it.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	results := make([]R, len(inputs))
	slots := make(chan struct{}, limit) // a counting semaphore: one token per running job
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex // guards firstErr
		firstErr error
	)
	called := 0
	for i, in := range inputs {
		// Take a slot, waiting while limit jobs run, unless we are told
		// to stop first.
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		// When a slot and a cancellation are both ready, select picks
		// either: look again, so that no job starts after a failure.
		if ctx.Err() != nil {
			break
		}
		called++
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := job(ctx, in)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				// Cancel before giving the slot back: the loop above
				// then sees the cancellation before it can start
				// another job.
				cancel()
			}
			results[i] = r // each goroutine writes its own element: no lock needed
			<-slots
		}()
	}
	wg.Wait() // never return while a job still runs

	// wg.Wait has seen every job return, so firstErr needs no lock now.
	switch {
	case firstErr != nil:
		return nil, firstErr
	case called < len(inputs):
		// No job failed, but the caller's ctx was done before every
		// job was called.
		return nil, ctx.Err()
	}
	return results, nil
}
