// want: fail
// Calls the jobs one after the other: results, order and errors are right, but nothing runs at the same time (peak 1 of a limit of 3).
package limiter

import (
	"context"
	"errors"
)

// ErrLimit is returned by Map when limit is less than 1.
var ErrLimit = errors.New("limiter: limit must be at least 1")

// Map calls the jobs one at a time.
func Map[T, R any](ctx context.Context, limit int, inputs []T, job func(ctx context.Context, in T) (R, error)) ([]R, error) {
	if limit < 1 {
		return nil, ErrLimit
	}
	results := make([]R, len(inputs))
	for i, in := range inputs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := job(ctx, in)
		if err != nil {
			return nil, err
		}
		results[i] = r
	}
	return results, nil
}
