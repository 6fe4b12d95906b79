// Package pipeline is a three-stage pipeline, generate → transform →
// collect, connected by channels, that stops as soon as nobody needs its
// results any more.
package pipeline

import "context"

// Generate sends 1, 2, ..., n on the returned channel, then closes it.
// When ctx is done it stops sending, closes the channel and returns.
func Generate(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 1; i <= n; i++ {
			// Every send also watches ctx: a send nobody receives would
			// otherwise block this goroutine forever (a leak).
			select {
			case out <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Transform sends f(v) for every v received from in, in the same order.
// It closes its channel when in is closed or ctx is done.
func Transform(ctx context.Context, in <-chan int, f func(int) int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for {
			select {
			case v, ok := <-in:
				if !ok {
					return
				}
				select {
				case out <- f(v):
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Collect receives from in until it is closed and returns the values in
// the order received. If ctx is done first, it returns the values received
// so far and ctx.Err().
func Collect(ctx context.Context, in <-chan int) ([]int, error) {
	var got []int
	for {
		select {
		case v, ok := <-in:
			if !ok {
				return got, nil
			}
			got = append(got, v)
		case <-ctx.Done():
			return got, ctx.Err()
		}
	}
}

// First runs Generate(n) → Transform(f) and returns the first k results
// (all of them if there are fewer), in order. It stops the pipeline as soon
// as it has them: the goroutines it started exit promptly. If ctx is done
// first, it returns the results so far and ctx.Err().
func First(ctx context.Context, n, k int, f func(int) int) ([]int, error) {
	// Cancelling our own context, when we return, is what tells the
	// stages upstream that nobody will read from them again.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := Transform(ctx, Generate(ctx, n), f)

	var got []int
	for len(got) < k {
		select {
		case v, ok := <-results:
			if !ok {
				// Fewer than k values (ctx.Err() is nil), or the stages
				// saw ctx end before this select did: report that too.
				return got, ctx.Err()
			}
			got = append(got, v)
		case <-ctx.Done():
			return got, ctx.Err()
		}
	}
	return got, nil
}
