// want: fail
// Starts a goroutine for every job at once and never looks at limit: 10 jobs with a limit of 3 run 10 at a time.
package limiter

import (
	"context"
	"errors"
	"sync"
)

// ErrLimit is returned by Map when limit is less than 1.
var ErrLimit = errors.New("limiter: limit must be at least 1")

// Map runs every job at once.
func Map[T, R any](ctx context.Context, limit int, inputs []T, job func(ctx context.Context, in T) (R, error)) ([]R, error) {
	if limit < 1 {
		return nil, ErrLimit
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]R, len(inputs))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for i, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ctx.Err() != nil {
				return
			}
			r, err := job(ctx, in)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				cancel()
			}
			results[i] = r
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}
