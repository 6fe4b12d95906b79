// pass: an atomic count of the copiers still running; the last one to return closes the output
// The statement asks only that the output close after every copier is done: a counter that the last one to return brings to zero says exactly that.
package merge

import (
	"context"
	"sync/atomic"
)

// Merge copies every input to the returned channel.
func Merge[T any](ctx context.Context, inputs ...<-chan T) <-chan T {
	out := make(chan T)
	if len(inputs) == 0 {
		close(out)
		return out
	}
	var running atomic.Int64
	running.Store(int64(len(inputs))) // counted before any copier can finish
	for _, in := range inputs {
		go func() {
			defer func() {
				if running.Add(-1) == 0 {
					close(out) // the last copier: nobody sends on out again
				}
			}()
			for {
				select {
				case v, ok := <-in:
					if !ok {
						return
					}
					select {
					case out <- v:
					case <-ctx.Done():
						return
					}
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	return out
}
