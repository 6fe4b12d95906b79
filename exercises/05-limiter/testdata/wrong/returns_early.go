// want: leak
// Returns as soon as a job fails, without waiting for the jobs still running: their goroutines outlive Map (and may write results nobody reads).
package limiter

import (
	"context"
	"errors"
)

// ErrLimit is returned by Map when limit is less than 1.
var ErrLimit = errors.New("limiter: limit must be at least 1")

type outcome[R any] struct {
	i   int
	r   R
	err error
}

// Map collects the outcomes from a channel and stops at the first error.
func Map[T, R any](ctx context.Context, limit int, inputs []T, job func(ctx context.Context, in T) (R, error)) ([]R, error) {
	if limit < 1 {
		return nil, ErrLimit
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	slots := make(chan struct{}, limit)
	outcomes := make(chan outcome[R], len(inputs)) // buffered: a finished job never blocks
	go func() {
		for i, in := range inputs {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			if ctx.Err() != nil {
				return
			}
			go func() {
				r, err := job(ctx, in)
				if err != nil {
					cancel()
				}
				outcomes <- outcome[R]{i, r, err}
				<-slots
			}()
		}
	}()
	results := make([]R, len(inputs))
	for range inputs {
		select {
		case o := <-outcomes:
			if o.err != nil {
				return nil, o.err // the other jobs? they have been cancelled...
			}
			results[o.i] = o.r
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return results, nil
}
