// want: fail
// Runs the jobs in batches of limit and waits for the whole batch before starting the next: one slow job holds up every free slot.
package limiter

import (
	"context"
	"errors"
	"sync"
)

// ErrLimit is returned by Map when limit is less than 1.
var ErrLimit = errors.New("limiter: limit must be at least 1")

// Map runs limit jobs, waits for all of them, then the next limit.
func Map[T, R any](ctx context.Context, limit int, inputs []T, job func(ctx context.Context, in T) (R, error)) ([]R, error) {
	if limit < 1 {
		return nil, ErrLimit
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]R, len(inputs))
	var (
		mu       sync.Mutex
		firstErr error
	)
	for start := 0; start < len(inputs); start += limit {
		if err := ctx.Err(); err != nil {
			break
		}
		var wg sync.WaitGroup
		for i := start; i < min(start+limit, len(inputs)); i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := job(ctx, inputs[i])
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
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}
