// want: deadlock
// The copiers watch ctx while waiting for a value, but not while handing it over: a reader that walks away leaves them blocked on the send.
package merge

import (
	"context"
	"sync"
)

// Merge copies every input to the returned channel.
func Merge[T any](ctx context.Context, inputs ...<-chan T) <-chan T {
	out := make(chan T)
	var wg sync.WaitGroup
	for _, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case v, ok := <-in:
					if !ok {
						return
					}
					out <- v
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}
